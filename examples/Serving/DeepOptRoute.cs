// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Serving;

/// <summary>
/// A model saved with SaveDeepOpt, run by DeepOpt: each request becomes one row of the model's input schema and goes
/// through the model's row-to-row mapper (what PredictionEngine uses), which serves requests at once.
/// </summary>
internal sealed class DeepOptRoute : IModelRoute
{
    private static readonly (string Column, string Name)[] s_answers = [("PredictedLabel", "predictedLabel"), ("Score", "score"), ("Probability", "probability")];

    private readonly ITransformer _model;
    private readonly IRowToRowMapper _mapper;
    private readonly DataViewSchema _inputSchema;
    private readonly string[] _features;
    private readonly DataViewSchema.Column[] _outputs;

    /// <param name="ml">The context to load into.</param>
    /// <param name="path">The SaveDeepOpt file.</param>
    /// <param name="labelColumn">The input column requests need not send.</param>
    public DeepOptRoute(MLContext ml, string path, string labelColumn)
    {
        _model = ml.Model.LoadDeepOpt(path, out _inputSchema);
        foreach (var deep in ((IEnumerable<ITransformer>)_model).OfType<DeepPredictionTransformer>())
        {
            deep.PredictionThreadCount = 1; // one request, one core: concurrent requests fill the others
        }

        _mapper = _model.GetRowToRowMapper(_inputSchema);
        _features = _inputSchema.Where(c => c.Name != labelColumn).Select(c => c.Name).ToArray();
        _outputs = s_answers.Select(a => _mapper.OutputSchema.GetColumnOrNull(a.Column)).OfType<DataViewSchema.Column>().ToArray();
    }

    public string Inputs => RequestRow.Describe(_inputSchema, _features);

    public Dictionary<string, object?> Predict(JsonElement body)
    {
        var row = RequestRow.Parse(body, _inputSchema, _features);
        using var scored = _mapper.GetRow(row, _outputs);
        var answer = new Dictionary<string, object?>();
        foreach (var column in _outputs)
        {
            answer[s_answers.First(a => a.Column == column.Name).Name] = Read(scored, column);
        }

        return answer;
    }

    public void Dispose() => (_model as IDisposable)?.Dispose();

    private static object? Read(DataViewRow row, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case VectorDataViewType vector when vector.ItemType == NumberDataViewType.Single:
                var values = default(VBuffer<float>);
                row.GetGetter<VBuffer<float>>(column)(ref values);
                return values.DenseValues().ToArray();
            case TextDataViewType:
                var text = default(ReadOnlyMemory<char>);
                row.GetGetter<ReadOnlyMemory<char>>(column)(ref text);
                return text.ToString();
            case BooleanDataViewType:
                bool flag = false;
                row.GetGetter<bool>(column)(ref flag);
                return flag;
            case KeyDataViewType:
                uint key = 0;
                row.GetGetter<uint>(column)(ref key);
                return key;
            default:
                float number = 0;
                row.GetGetter<float>(column)(ref number);
                return number;
        }
    }
}
