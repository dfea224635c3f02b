// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>The row that <see cref="IRowToRowMapper.GetRow"/> returns, for PredictionEngine: one forward pass per new input position.</summary>
internal sealed class SingleRowPrediction : PredictionRow
{
    private readonly DataViewRow _input;
    private readonly ValueGetter<VBuffer<float>>? _features;
    private readonly Predictor _predictor;
    private readonly string _featureColumn;
    private readonly float[] _featureValues;
    private VBuffer<float> _buffer;
    private float[] _outputs = Array.Empty<float>();
    private long _computedAt = -1;

    public SingleRowPrediction(DataViewRow input, DataViewSchema schema, OutputColumns outputs, IEnumerable<DataViewSchema.Column> activeColumns,
        Predictor predictor, string featureColumn, int featureSize)
        : base(input, schema, outputs, activeColumns)
    {
        _input = input;
        _predictor = predictor;
        _featureColumn = featureColumn;
        _featureValues = new float[featureSize];
        if (OutputsActive)
        {
            _features = input.GetGetter<VBuffer<float>>(input.Schema[featureColumn]);
        }
    }

    public override bool MoveNext() => throw new NotSupportedException("A mapped row does not move; move the input row instead.");

    protected override float[] CurrentOutputs()
    {
        // PredictionEngine's input row advances its position on every prediction, so the position identifies the row.
        long position = _input.Position;
        if (position != _computedAt)
        {
            ReadFeatures(_features!, ref _buffer, _featureValues, 0, _featureValues.Length, _featureColumn);
            _outputs = _predictor.Predict(_featureValues, 1);
            _computedAt = position;
        }

        return _outputs;
    }
}
