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
        return new EnsembleCursor(cursor, others, predict, Schema, _ensemble, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}

/// <summary>A cursor over an ensemble's output: the other members' cursors move in step with the first member's.</summary>
internal sealed class EnsembleCursor : PredictionRow
{
    private readonly DataViewRowCursor _first;
    private readonly DataViewRowCursor[] _others;
    private readonly EnsembleAverage _average;

    public EnsembleCursor(DataViewRowCursor first, DataViewRowCursor[] others, bool predict, DataViewSchema schema, EnsembleTransformer ensemble, IEnumerable<DataViewSchema.Column> activeColumns)
        : base(first, schema, ensemble.Outputs, activeColumns)
    {
        _first = first;
        _others = others;
        _average = new EnsembleAverage(ensemble, predict ? others.Prepend(first) : []);
    }

    public override bool MoveNext()
    {
        if (!_first.MoveNext())
        {
            return false;
        }

        for (int i = 0; i < _others.Length; i++)
        {
            if (!_others[i].MoveNext())
            {
                throw new InvalidOperationException($"Ensemble member {i + 1} gave fewer rows than member 0 ({_first.Position + 1} or more): every member must map rows one to one.");
            }
        }

        return true;
    }

    protected override float[] CurrentOutputs() => _average.At(_first.Position);

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

/// <summary>The row a mapper returns: every member's row follows the same input row.</summary>
internal sealed class EnsembleRow : PredictionRow
{
    private readonly DataViewRow _input;
    private readonly DataViewRow _first;
    private readonly DataViewRow[] _others;
    private readonly EnsembleAverage _average;

    public EnsembleRow(DataViewRow input, DataViewRow first, DataViewRow[] others, bool predict, DataViewSchema schema, EnsembleTransformer ensemble, IEnumerable<DataViewSchema.Column> activeColumns)
        : base(first, schema, ensemble.Outputs, activeColumns)
    {
        _input = input;
        _first = first;
        _others = others;
        _average = new EnsembleAverage(ensemble, predict ? others.Prepend(first) : []);
    }

    public override bool MoveNext() => throw new NotSupportedException("A mapped row does not move; move the input row instead.");

    // PredictionEngine's input row advances its position on every prediction, so the position identifies the row.
    protected override float[] CurrentOutputs() => _average.At(_input.Position);

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
