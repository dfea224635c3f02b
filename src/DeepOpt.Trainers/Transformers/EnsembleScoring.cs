// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>
/// An ensemble's lazily transformed data: the first member's output (the input and what its featurizer adds, such as a
/// key-typed label) with the averaged prediction appended in place of that member's own.
/// </summary>
internal sealed class EnsembleDataView : IDataView
{
    private readonly IDataView _input;
    private readonly EnsembleTransformer _ensemble;
    private readonly IDataView[] _scored;

    public EnsembleDataView(IDataView input, EnsembleTransformer ensemble)
    {
        _input = input;
        _ensemble = ensemble;
        _scored = ensemble.Members.Select(m => m.Transform(input)).ToArray();
        Schema = ensemble.Outputs.Append(_scored[0].Schema);
    }

    /// <summary>False: the members' cursors must meet the input's rows in the same order.</summary>
    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        _ensemble.ThrowIfDisposed("read scored data");
        var active = columnsNeeded.ToList();
        var first = _scored[0];
        int passed = first.Schema.Count;
        bool predict = active.Any(c => c.Index >= passed);
        var firstColumns = active.Where(c => c.Index < passed).Select(c => first.Schema[c.Index]).ToList();
        if (predict)
        {
            firstColumns.Add(first.Schema[_ensemble.ReadColumn]);
        }

        var cursor = first.GetRowCursor(firstColumns.DistinctBy(c => c.Index));
        var others = predict ? _scored.Skip(1).Select(s => s.GetRowCursor(new[] { s.Schema[_ensemble.ReadColumn] })).ToArray() : [];
        return new EnsembleRow(cursor, cursor, others, predict, Schema, _ensemble, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}

/// <summary>Maps single rows through every member, for PredictionEngine; the first member's row passes through.</summary>
internal sealed class EnsembleRowMapper : IRowToRowMapper
{
    private readonly EnsembleTransformer _ensemble;
    private readonly IRowToRowMapper[] _members;

    public EnsembleRowMapper(DataViewSchema inputSchema, EnsembleTransformer ensemble)
    {
        InputSchema = inputSchema;
        _ensemble = ensemble;
        _members = ensemble.Members.Select(m => m.GetRowToRowMapper(inputSchema)).ToArray();
        OutputSchema = ensemble.Outputs.Append(_members[0].OutputSchema);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var (firstColumns, predict) = FirstColumns(dependingColumns);
        var needed = _members[0].GetDependencies(firstColumns);
        if (predict)
        {
            needed = needed.Concat(_members.Skip(1).SelectMany(m => m.GetDependencies(new[] { ReadColumn(m) })));
        }

        return needed.DistinctBy(c => c.Index).ToList();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        _ensemble.ThrowIfDisposed("map rows");
        var active = activeColumns.ToList();
        var (firstColumns, predict) = FirstColumns(active);
        var first = _members[0].GetRow(input, firstColumns);
        var others = predict ? _members.Skip(1).Select(m => m.GetRow(input, new[] { ReadColumn(m) })).ToArray() : [];
        return new EnsembleRow(input, first, others, predict, OutputSchema, _ensemble, active);
    }

    /// <summary>The first member's columns that <paramref name="columns"/> need, and whether the prediction is among them.</summary>
    private (List<DataViewSchema.Column> Columns, bool Predict) FirstColumns(IEnumerable<DataViewSchema.Column> columns)
    {
        var firstSchema = _members[0].OutputSchema;
        var list = columns.ToList();
        bool predict = list.Any(c => c.Index >= firstSchema.Count);
        var needed = list.Where(c => c.Index < firstSchema.Count).Select(c => firstSchema[c.Index]).ToList();
        if (predict)
        {
            needed.Add(ReadColumn(_members[0]));
        }

        return (needed.DistinctBy(c => c.Index).ToList(), predict);
    }

    private DataViewSchema.Column ReadColumn(IRowToRowMapper member) => member.OutputSchema[_ensemble.ReadColumn];
}

/// <summary>
/// A row of an ensemble's output: the first member's row passes through, and every member's row gives its prediction
/// of the same input row. Over data it is a cursor that moves the members' cursors in step; from a mapper it is a row
/// that follows its input row.
/// </summary>
internal sealed class EnsembleRow : PredictionRow
{
    private readonly DataViewRow _position;
    private readonly DataViewRow _first;
    private readonly DataViewRow[] _others;
    private readonly EnsembleAverage _average;

    /// <param name="position">The row whose position identifies the current row (the input row for a mapped row).</param>
    /// <param name="first">The first member's output row (a cursor over data).</param>
    /// <param name="others">The other members' rows (cursors over data), empty when no prediction is active.</param>
    /// <param name="predict">Whether a prediction column is active.</param>
    /// <param name="schema">The ensemble's output schema.</param>
    /// <param name="ensemble">The ensemble.</param>
    /// <param name="activeColumns">The active output columns.</param>
    public EnsembleRow(DataViewRow position, DataViewRow first, DataViewRow[] others, bool predict, DataViewSchema schema, EnsembleTransformer ensemble, IEnumerable<DataViewSchema.Column> activeColumns)
        : base(first, schema, ensemble.Outputs, activeColumns)
    {
        _position = position;
        _first = first;
        _others = others;
        _average = new EnsembleAverage(ensemble, predict ? others.Prepend(first) : []);
    }

    public override bool MoveNext()
    {
        if (_first is not DataViewRowCursor first)
        {
            throw new NotSupportedException("A mapped row does not move; move the input row instead.");
        }

        if (!first.MoveNext())
        {
            return false;
        }

        for (int i = 0; i < _others.Length; i++)
        {
            if (!((DataViewRowCursor)_others[i]).MoveNext())
            {
                throw new InvalidOperationException($"Ensemble member {i + 1} gave fewer rows than member 0 ({first.Position + 1} or more): every member must map rows one to one.");
            }
        }

        return true;
    }

    // PredictionEngine's input row advances its position on every prediction, so the position identifies the row.
    protected override float[] CurrentOutputs() => _average.At(_position.Position);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _first.Dispose();
            foreach (var other in _others)
            {
                other.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}

/// <summary>The averaged prediction of the members' current rows, computed once per input position.</summary>
internal sealed class EnsembleAverage
{
    private readonly EnsembleTransformer _ensemble;
    private readonly Action<float[]>[] _adders;
    private readonly float[] _outputs;
    private long _computedAt = -1;

    public EnsembleAverage(EnsembleTransformer ensemble, IEnumerable<DataViewRow> memberRows)
    {
        _ensemble = ensemble;
        _adders = memberRows.Select(ensemble.CreateAdder).ToArray();
        _outputs = new float[ensemble.Outputs.Width];
    }

    public float[] At(long position)
    {
        if (position != _computedAt)
        {
            _ensemble.ThrowIfDisposed("score rows");
            Array.Clear(_outputs);
            foreach (var add in _adders)
            {
                add(_outputs);
            }

            _ensemble.Average(_outputs);
            _computedAt = position;
        }

        return _outputs;
    }
}
