// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>
/// A row of the output schema: input columns pass through from the input row, output columns are computed from the
/// current row's network outputs, which a derived class provides.
/// </summary>
internal abstract class PredictionRow : DataViewRowCursor
{
    /// <summary>How error messages name the rows being scored.</summary>
    protected const string ScoredData = "data to score";

    private readonly DataViewRow _input;
    private readonly int _inputCount;
    private readonly Delegate?[] _outputGetters;
    private readonly bool[] _active;

    protected PredictionRow(DataViewRow input, DataViewSchema schema, OutputColumns outputs, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        _input = input;
        Schema = schema;
        _inputCount = input.Schema.Count;
        _active = new bool[schema.Count];
        foreach (var column in activeColumns)
        {
            _active[column.Index] = true;
        }

        _outputGetters = new Delegate?[outputs.Columns.Count];
        for (int i = 0; i < _outputGetters.Length; i++)
        {
            if (_active[_inputCount + i])
            {
                _outputGetters[i] = outputs.Getter(i, CurrentOutputs);
            }
        }
    }

    public override DataViewSchema Schema { get; }

    public override long Batch => _input.Batch;

    public override long Position => _input.Position;

    /// <summary>True when any output column is active, so the network must run.</summary>
    protected bool OutputsActive => _outputGetters.Any(g => g != null);

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
        {
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; ask for it when creating the cursor.");
        }

        if (column.Index < _inputCount)
        {
            return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        }

        return _outputGetters[column.Index - _inputCount] as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter: '{typeof(TValue)}', expected type: '{column.Type.RawType}'.");
    }

    /// <summary>The network outputs of the current row.</summary>
    protected abstract float[] CurrentOutputs();
}
