// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>Maps single rows, for PredictionEngine and for transformer chains that map rows.</summary>
internal sealed class PredictionRowMapper : IRowToRowMapper
{
    private readonly OutputColumns _outputs;
    private readonly Predictor _predictor;
    private readonly FeatureSpec _features;

    public PredictionRowMapper(DataViewSchema inputSchema, OutputColumns outputs, Predictor predictor, FeatureSpec features)
    {
        InputSchema = inputSchema;
        OutputSchema = outputs.Append(inputSchema);
        _outputs = outputs;
        _predictor = predictor;
        _features = features;
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new List<DataViewSchema.Column>();
        bool predict = false;
        foreach (var column in dependingColumns)
        {
            if (column.Index < InputSchema.Count)
            {
                needed.Add(InputSchema[column.Index]);
            }
            else
            {
                predict = true;
            }
        }

        var featureColumn = InputSchema[_features.ColumnName];
        if (predict && needed.All(c => c.Index != featureColumn.Index))
        {
            needed.Add(featureColumn);
        }

        return needed;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new SingleRowPrediction(input, OutputSchema, _outputs, activeColumns, _predictor, _features);
}
