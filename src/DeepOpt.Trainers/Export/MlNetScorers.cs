// Licensed under the MIT license. See LICENSE in the repository root.

using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace DeepOpt.Trainers;

/// <summary>
/// ML.NET's own scorers over the network's outputs: a linear model whose weights are the identity, inside the
/// prediction transformer of the task, so that ML.NET itself adds Score, PredictedLabel and Probability with the types,
/// annotations and save format its evaluators, <c>PredictionEngine</c> and <c>ml.Model.Load</c> know.
/// </summary>
/// <remarks>
/// ML.NET 5.0.1 keeps the constructors of linear model parameters and prediction transformers internal, and its
/// ONNX transform cannot give a scalar column (it fails on ONNX outputs of rank 0), so this is the one way to a plain
/// ML.NET Score. They are reached by reflection here only; the pipeline tests fail loudly if a version changes them.
/// The saved pipeline needs no reflection: ML.NET loads these transformers as its own.
/// </remarks>
internal static class MlNetScorers
{
    /// <summary>Score (the network output) and PredictedLabel (Score above 0), then Probability (the logistic of Score).</summary>
    public static ITransformer[] Binary(MLContext ml, IDataView input, string network)
    {
        var parameters = Create<LinearBinaryModelParameters>(ml, Identity(1, withBias: false), 0f, null);
        var scorer = Create<BinaryPredictionTransformer<LinearBinaryModelParameters>>(ml, parameters, input.Schema, network, 0f, OutputColumns.Score);

        // ML.NET's Platt calibrator gives 1 / (1 + exp(slope · Score + offset)): with slope −1 and offset 0, DeepOpt's probability.
        var calibrator = ml.BinaryClassification.Calibrators.Platt(slope: -1, offset: 0, scoreColumnName: OutputColumns.Score)
            .Fit(scorer.Transform(input));
        return [scorer, calibrator];
    }

    /// <summary>Score (the network output).</summary>
    public static ITransformer[] Regression(MLContext ml, IDataView input, string network)
    {
        var parameters = Create<LinearRegressionModelParameters>(ml, Identity(1, withBias: false), 0f);
        return [Create<RegressionPredictionTransformer<LinearRegressionModelParameters>>(ml, parameters, input.Schema, network)];
    }

    /// <summary>
    /// Score (the class probabilities) and PredictedLabel (a key whose values, like Score's slot names, are the
    /// label's key values when it had them).
    /// </summary>
    public static ITransformer[] Multiclass(MLContext ml, IDataView input, string network, string labelColumn, int classes, LabelKeyValues? keyValues)
    {
        var parameters = Create<LinearMulticlassModelParameters>(ml, Identity(classes, withBias: true), classes, classes, null, null);

        // The prediction transformer reads the label's key type and values from its training schema, saved with it.
        var training = new DataViewSchema.Builder();
        training.AddColumns(input.Schema);
        var annotations = new DataViewSchema.Annotations.Builder();
        keyValues?.AddTo(annotations, "KeyValues");
        training.AddColumn(labelColumn, new KeyDataViewType(typeof(uint), classes), annotations.ToAnnotations());
        return [Create<MulticlassPredictionTransformer<LinearMulticlassModelParameters>>(ml, parameters, training.ToSchema(), network, labelColumn, OutputColumns.Score, OutputColumns.PredictedLabel)];
    }

    /// <summary>
    /// The identity on <paramref name="size"/> inputs as ML.NET stores linear weights: for a multiclass model, the
    /// biases first (all 0), then one row of weights per class.
    /// </summary>
    private static VBuffer<float> Identity(int size, bool withBias)
    {
        int offset = withBias ? size : 0;
        var values = new float[offset + (size * size)];
        for (int i = 0; i < size; i++)
        {
            values[offset + (i * size) + i] = 1f;
        }

        return new VBuffer<float>(values.Length, values);
    }

    /// <summary>Calls the internal constructor of <typeparamref name="T"/> that takes the environment and these arguments.</summary>
    private static T Create<T>(MLContext environment, params object?[] arguments)
    {
        var constructor = typeof(T).GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance).FirstOrDefault(c => Fits(c.GetParameters(), arguments))
            ?? throw new NotSupportedException($"DeepOpt's ML.NET pipeline export needs the constructor of ML.NET's {typeof(T).Name} that takes ({string.Join(", ", arguments.Select(a => a?.GetType().Name ?? "null"))}), which this version of Microsoft.ML lacks. Use Microsoft.ML 5.0.1, or export with ml.Model.ConvertToOnnx.");
        try
        {
            return (T)constructor.Invoke([(IHostEnvironment)environment, .. arguments]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException != null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    private static bool Fits(ParameterInfo[] parameters, object?[] arguments)
    {
        if (parameters.Length != arguments.Length + 1 || parameters[0].ParameterType != typeof(IHostEnvironment))
        {
            return false;
        }

        for (int i = 0; i < arguments.Length; i++)
        {
            var type = parameters[i + 1].ParameterType;
            type = type.IsByRef ? type.GetElementType()! : type;
            if (arguments[i] is { } argument ? !type.IsInstanceOfType(argument) : type.IsValueType)
            {
                return false;
            }
        }

        return true;
    }
}
