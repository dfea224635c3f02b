// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;

namespace DeepOpt.Trainers;

/// <summary>The lazily transformed data: the input's rows with the prediction columns appended.</summary>
internal sealed class PredictionDataView : IDataView
{
    private readonly IDataView _input;
    private readonly OutputColumns _outputs;
    private readonly Predictor _predictor;
    private readonly FeatureSpec _features;

    public PredictionDataView(IDataView input, OutputColumns outputs, Predictor predictor, FeatureSpec features)
    {
        _input = input;
        _outputs = outputs;
        _predictor = predictor;
        _features = features;
        Schema = outputs.Append(input.Schema);
    }

    /// <summary>False: rows keep the input's order, so the look-ahead cursor stays in step with the main one.</summary>
    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = columnsNeeded.ToList();
        int inputCount = _input.Schema.Count;
        bool predict = active.Any(c => c.Index >= inputCount);
        var inputColumns = active.Where(c => c.Index < inputCount).Select(c => _input.Schema[c.Index]);
        var input = _input.GetRowCursor(inputColumns);
        var lookAhead = predict ? _input.GetRowCursor(new[] { _input.Schema[_features.ColumnName] }) : null;
        return new PredictionCursor(input, lookAhead, Schema, _outputs, active, _predictor, _features);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}
