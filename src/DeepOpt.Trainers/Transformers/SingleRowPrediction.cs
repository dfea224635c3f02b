// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>The row that <see cref="IRowToRowMapper.GetRow"/> returns, for PredictionEngine: one forward pass per new input position.</summary>
internal sealed class SingleRowPrediction : PredictionRow
{
    private readonly DataViewRow _input;
    private readonly FeatureSpec.Reader? _readFeatures;
    private readonly Predictor _predictor;
    private readonly float[] _featureValues;
    private readonly string _featureColumn;
    private float[] _outputs = Array.Empty<float>();
    private long _computedAt = -1;

    public SingleRowPrediction(DataViewRow input, DataViewSchema schema, OutputColumns outputs, IEnumerable<DataViewSchema.Column> activeColumns,
        Predictor predictor, FeatureSpec features)
        : base(input, schema, outputs, activeColumns)
    {
        _input = input;
        _predictor = predictor;
        _featureValues = new float[features.Size];
        _featureColumn = features.ColumnName;
        if (OutputsActive)
        {
            _readFeatures = features.CreateReader(input);
        }
    }

    public override bool MoveNext() => throw new NotSupportedException("A mapped row does not move; move the input row instead.");

    protected override float[] CurrentOutputs()
    {
        // PredictionEngine's input row advances its position on every prediction, so the position identifies the row.
        long position = _input.Position;
        if (position != _computedAt)
        {
            _readFeatures!(_featureValues, 0);
            SchemaChecks.CheckFinite(ScoredData, _featureColumn, position, _featureValues);
            _outputs = _predictor.Predict(_featureValues, 1);
            _computedAt = position;
        }

        return _outputs;
    }
}
