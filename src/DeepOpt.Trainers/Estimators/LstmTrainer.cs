// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Trains an LSTM or GRU sequence classifier with TorchSharp on text (with a vocabulary built at <c>Fit</c>) or on
/// token keys.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Trainer characteristics</term><description></description></listheader>
/// <item><term>Machine learning task</term><description>Multiclass classification, binary classification</description></item>
/// <item><term>Is normalization required?</term><description>No</description></item>
/// <item><term>Input columns</term><description>Label: key (multiclass) or Boolean (binary); Features: text, or a vector of keys of UInt32 (TokenizeIntoWords then MapValueToKey)</description></item>
/// <item><term>Output columns</term><description>Score, PredictedLabel and, for binary, Probability</description></item>
/// <item><term>Uses a GPU</term><description>Yes, CUDA when TorchSharp finds one, unless <see cref="DeepTrainerOptions.Device"/> says otherwise</description></item>
/// <item><term>Save and load</term><description>ml.Model.SaveDeepOpt / ml.Model.LoadDeepOpt; the vocabulary is saved with the model</description></item>
/// </list>
/// See <see cref="LstmOptions"/> for how text becomes token ids. The program in examples/TextClassification trains
/// one on Debian's package descriptions.
/// </remarks>
public sealed class LstmTrainer : DeepTrainerBase<LstmOptions>
{
    internal LstmTrainer(IHostEnvironment environment, LstmOptions options, PredictionKind task, DeepFitContext? context)
        : base(environment, options, task, context)
    {
    }

    /// <summary>The LSTM or GRU: it reads text or key vectors as token ids and sizes its embedding by the vocabulary.</summary>
    internal sealed class Design(LstmOptions options) : NetworkDesign
    {
        public override bool AcceptsTokens => true;

        protected override DeepTrainerOptions Options => options;

        public override nn.Module<Tensor, Tensor> Build(int inputSize, int outputSize) => new LstmNetwork(outputSize, options);

        public override DeepTrainerOptions ForFeatures(FeatureSpec features)
        {
            var tokens = features.Tokens ?? throw new InvalidOperationException($"Features column '{features.ColumnName}' holds no tokens.");
            var copy = (LstmOptions)options.Clone();
            copy.IdCount = tokens.IdCount;
            return copy;
        }

        public override FeatureSpec? TokenSpec(Microsoft.ML.DataViewSchema.Column column) => Trainers.TokenSpec.FromColumn(column, options);

        public override FeatureSpec FitTokens(IDataView data, FeatureSpec spec, string what) => Trainers.TokenSpec.Fit(data, spec, options, what);
    }
}
