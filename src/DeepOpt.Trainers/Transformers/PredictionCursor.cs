// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>
/// A cursor over the transformed data. When an output column is active, a second cursor over the same input reads
/// the features ahead in batches, so the network runs one forward pass per batch rather than per row.
/// </summary>
internal sealed class PredictionCursor : PredictionRow
{
    private const int BatchRows = 256;

    private readonly DataViewRowCursor _input;
    private readonly DataViewRowCursor? _lookAhead;
    private readonly FeatureSpec.Reader? _readFeatures;
    private readonly Predictor _predictor;
    private readonly int _featureSize;
    private readonly string _featureColumn;
    private readonly int _width;
    private readonly float[] _batchFeatures;
    private float[] _batchOutputs = Array.Empty<float>();
    private long _batchStart;
    private int _batchCount;
    private readonly float[] _row;

    public PredictionCursor(DataViewRowCursor input, DataViewRowCursor? lookAhead, DataViewSchema schema, OutputColumns outputs,
        IEnumerable<DataViewSchema.Column> activeColumns, Predictor predictor, FeatureSpec features)
        : base(input, schema, outputs, activeColumns)
    {
        _input = input;
        _lookAhead = lookAhead;
        _predictor = predictor;
        _featureSize = features.Size;
        _featureColumn = features.ColumnName;
        _width = outputs.Width;
        _row = new float[_width];
        _batchFeatures = new float[BatchRows * features.Size];
        if (lookAhead != null)
        {
            _readFeatures = features.CreateReader(lookAhead);
        }
    }

    public override bool MoveNext() => _input.MoveNext();

    protected override float[] CurrentOutputs()
    {
        long position = _input.Position;
        if (position >= _batchStart + _batchCount)
        {
            NextBatch(position);
        }

        Array.Copy(_batchOutputs, (position - _batchStart) * _width, _row, 0, _width);
        return _row;
    }

    private void NextBatch(long position)
    {
        _batchStart = position;
        _batchCount = 0;
        while (_batchCount < BatchRows && _lookAhead!.Position < position + BatchRows - 1 && _lookAhead.MoveNext())
        {
            if (_lookAhead.Position < position)
            {
                continue;
            }

            _readFeatures!(_batchFeatures, _batchCount * _featureSize);
            SchemaChecks.CheckFinite(ScoredData, _featureColumn, _lookAhead.Position, _batchFeatures.AsSpan(_batchCount * _featureSize, _featureSize));
            _batchCount++;
        }

        _batchOutputs = _predictor.Predict(_batchFeatures, _batchCount);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
            _lookAhead?.Dispose();
        }

        base.Dispose(disposing);
    }
}
