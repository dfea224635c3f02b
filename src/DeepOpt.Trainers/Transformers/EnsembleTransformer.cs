// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>
/// Several fitted models of one task as one model: every row is scored by each member, and what they predict is
/// averaged (the class probabilities in Score for multiclass, Probability for binary classification, Score for
/// regression) before the task's prediction columns are appended, named and typed as the members' are. Make one with
/// <see cref="DeepOptEnsembles.CreateEnsemble(ModelOperationsCatalog, IEnumerable{ITransformer}, DataViewSchema)"/>,
/// or from the best trials of a sweep with <c>DeepOptExperiment.CreateEnsembleAsync</c>.
/// </summary>
/// <remarks>
/// <para>
/// Members are whole fitted pipelines that read the same input: each may featurize or tokenise it its own way and end in
/// a DeepOpt model or an ML.NET trainer's model, as long as its Score (and for binary, Probability) is what ML.NET's
/// trainers give. A multiclass member's Score must hold class probabilities (DeepOpt's models, and ML.NET's
/// maximum-entropy and naive Bayes trainers, give them).
/// </para>
/// <para>
/// The output is the first member's output (the input, and what that member's featurizer adds, such as a key-typed
/// label for evaluation) with Score and PredictedLabel (and Probability for binary) appended in place of its own; the
/// other members' intermediate columns are not shown. For binary classification, Score is the logit of the mean
/// probability, so PredictedLabel is true when that probability is above one half.
/// </para>
/// <para>
/// The ensemble owns its members: <see cref="Dispose"/> disposes them. Save and load it with
/// <c>ml.Model.SaveDeepOpt</c> and <c>LoadDeepOpt</c>, alone or inside a pipeline.
/// </para>
/// </remarks>
public sealed class EnsembleTransformer : ITransformer, IDisposable
{
    private readonly ITransformer[] _members;
    private int _disposed;

    internal EnsembleTransformer(IEnumerable<ITransformer> members, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(inputSchema);
        _members = members.ToArray();
        if (_members.Length == 0 || _members.Any(m => m == null))
        {
            throw new ArgumentException("An ensemble needs one or more fitted models, and none may be null.", nameof(members));
        }

        var first = MemberOutput.Of(_members[0], 0, inputSchema);
        for (int i = 1; i < _members.Length; i++)
        {
            first.CheckSameAs(MemberOutput.Of(_members[i], i, inputSchema));
        }

        Task = first.Task;
        Outputs = new OutputColumns(first.Task, first.ClassCount, first.KeyValues);
    }

    /// <summary>The fitted models whose predictions are averaged, in the order given.</summary>
    public IReadOnlyList<ITransformer> Members => _members;

    /// <summary>The task of every member.</summary>
    public PredictionKind Task { get; }

    /// <summary>True when every member maps rows one to one, as PredictionEngine needs.</summary>
    public bool IsRowToRowMapper => _members.All(m => m.IsRowToRowMapper);

    internal OutputColumns Outputs { get; }

    /// <summary>The column each member's prediction is read from: Probability for binary, Score otherwise.</summary>
    internal string ReadColumn => Task == PredictionKind.BinaryClassification ? OutputColumns.Probability : OutputColumns.Score;

    /// <summary>The input schema with the prediction columns appended.</summary>
    /// <param name="inputSchema">The schema of the data to score.</param>
    /// <returns>The output schema.</returns>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var first = _members[0].GetOutputSchema(inputSchema);
        for (int i = 1; i < _members.Length; i++)
        {
            MemberOutput.Of(_members[i], i, inputSchema); // each member must accept the input
        }

        return Outputs.Append(first);
    }

    /// <summary>Scores the data lazily with every member and appends the averaged prediction.</summary>
    /// <param name="input">The data to score.</param>
    /// <returns>The data with the prediction columns appended.</returns>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ThrowIfDisposed("transform data");
        GetOutputSchema(input.Schema);
        return new EnsembleDataView(input, this);
    }

    /// <summary>The row mapper that PredictionEngine uses.</summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    /// <returns>A mapper from input rows to rows with the averaged prediction.</returns>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ThrowIfDisposed("map rows");
        GetOutputSchema(inputSchema);
        return new EnsembleRowMapper(inputSchema, this);
    }

    /// <summary>Not supported: ML.NET 5.0.1's loader cannot find third-party transformers.</summary>
    /// <param name="ctx">The ML.NET save context.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("An ensemble cannot be saved with ml.Model.Save, because ML.NET's loader cannot find third-party transformers. Use ml.Model.SaveDeepOpt(model, inputSchema, path) and ml.Model.LoadDeepOpt(path, out inputSchema) instead.");

    /// <summary>Disposes every member that is disposable (DeepOpt models free their native memory); later uses throw.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var member in _members.OfType<IDisposable>())
            {
                member.Dispose();
            }
        }
    }

    /// <summary>Sums one member's prediction of the current row into <c>sum</c>; <paramref name="row"/> is the member's output row.</summary>
    internal Action<float[]> CreateAdder(DataViewRow row)
    {
        var column = row.Schema[ReadColumn];
        if (Task == PredictionKind.MulticlassClassification)
        {
            var getScores = row.GetGetter<VBuffer<float>>(column);
            VBuffer<float> scores = default;
            return sum =>
            {
                getScores(ref scores);
                int i = 0;
                foreach (float value in scores.DenseValues())
                {
                    sum[i++] += value;
                }
            };
        }

        var getValue = row.GetGetter<float>(column);
        return sum =>
        {
            float value = 0;
            getValue(ref value);
            sum[0] += value;
        };
    }

    /// <summary>Turns the members' summed predictions into the outputs <see cref="OutputColumns"/> reads.</summary>
    internal void Average(float[] sum)
    {
        for (int i = 0; i < sum.Length; i++)
        {
            sum[i] /= _members.Length;
        }

        if (Task == PredictionKind.BinaryClassification)
        {
            // The binary outputs are a logit: that of the mean probability, kept finite.
            float p = Math.Clamp(sum[0], 1e-7f, 1 - 1e-7f);
            sum[0] = MathF.Log(p / (1 - p));
        }
    }

    internal void ThrowIfDisposed(string use)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(EnsembleTransformer), $"This ensemble of {_members.Length} models was disposed, with its members, and cannot {use}. Keep it undisposed while it is in use.");
        }
    }

    /// <summary>What one member's output says of its task, checked against the others'.</summary>
    private sealed record MemberOutput(int Index, PredictionKind Task, int ClassCount, LabelKeyValues? KeyValues)
    {
        public static MemberOutput Of(ITransformer member, int index, DataViewSchema inputSchema)
        {
            DataViewSchema output;
            try
            {
                output = member.GetOutputSchema(inputSchema);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new ArgumentException($"Ensemble member {index} cannot read this input: {e.Message}", nameof(inputSchema), e);
            }

            var score = output.GetColumnOrNull(OutputColumns.Score)
                ?? throw new ArgumentException($"Ensemble member {index} gives no '{OutputColumns.Score}' column. Every member must end in a fitted trainer's model (classification or regression).", nameof(inputSchema));
            if (score.Type is VectorDataViewType { ItemType: NumberDataViewType n, Size: > 1 } vector && n == NumberDataViewType.Single)
            {
                var keyValues = output.GetColumnOrNull(OutputColumns.PredictedLabel) is { Type: KeyDataViewType } label ? LabelKeyValues.From(label) : null;
                return new MemberOutput(index, PredictionKind.MulticlassClassification, vector.Size, keyValues);
            }

            if (score.Type != NumberDataViewType.Single)
            {
                throw new ArgumentException($"Ensemble member {index} gives '{OutputColumns.Score}' of type {score.Type}, which is neither a score nor a vector of class probabilities.", nameof(inputSchema));
            }

            return output.GetColumnOrNull(OutputColumns.Probability) is { } probability && probability.Type == NumberDataViewType.Single
                ? new MemberOutput(index, PredictionKind.BinaryClassification, 0, null)
                : new MemberOutput(index, PredictionKind.Regression, 0, null);
        }

        public void CheckSameAs(MemberOutput other)
        {
            if (other.Task != Task || other.ClassCount != ClassCount)
            {
                throw new ArgumentException($"Ensemble member {other.Index} predicts {Describe(other)}, but member {Index} predicts {Describe(this)}. Every member must be trained for the same task and classes.", "members");
            }

            if (KeyValues != null && other.KeyValues != null && !KeyValues.Values.SequenceEqual(other.KeyValues.Values))
            {
                throw new ArgumentException($"Ensemble member {other.Index} numbers its classes [{string.Join(", ", other.KeyValues.Values.Take(5))}, ...], but member {Index} [{string.Join(", ", KeyValues.Values.Take(5))}, ...]. Map the label to keys once (one MapValueToKey fitted on the same data) for every member.", "members");
            }
        }

        private static string Describe(MemberOutput m) =>
            m.Task == PredictionKind.MulticlassClassification ? $"{m.ClassCount} classes" : m.Task.ToString();
    }
}
