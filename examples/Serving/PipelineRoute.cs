// Licensed under the MIT license. See LICENSE in the repository root.

using System.IO.Compression;
using System.Text.Json;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Serving;

/// <summary>
/// A pipeline zip: one saved with SaveDeepOpt, run by DeepOpt, or one from ConvertToOnnxPipeline saved with plain
/// ml.Model.Save, run by ML.NET alone. Each request becomes one row of the pipeline's input schema and goes through its
/// row-to-row mapper (what PredictionEngine uses), which serves requests at once; a batch goes through Transform.
/// </summary>
internal sealed class PipelineRoute : IModelRoute
{
    /// <summary>The entry every SaveDeepOpt zip holds (and plain ML.NET zips do not).</summary>
    private const string DeepOptManifest = "deepopt-manifest.json";

    private static readonly (string Column, string Name)[] s_answers = [("PredictedLabel", "predictedLabel"), ("Score", "score"), ("Probability", "probability")];

    private readonly ITransformer _model;
    private readonly IRowToRowMapper _mapper;
    private readonly DataViewSchema _inputSchema;
    private readonly string[] _features;
    private readonly DataViewSchema.Column[] _outputs;

    /// <param name="ml">The context to load into.</param>
    /// <param name="path">The zip: SaveDeepOpt's, or plain ml.Model.Save's.</param>
    /// <param name="labelColumn">The input column requests need not send.</param>
    public PipelineRoute(MLContext ml, string path, string labelColumn)
    {
        bool deepOpt;
        using (var zip = ZipFile.OpenRead(path))
        {
            deepOpt = zip.GetEntry(DeepOptManifest) != null;
        }

        _model = deepOpt ? ml.Model.LoadDeepOpt(path, out _inputSchema) : ml.Model.Load(path, out _inputSchema);
        foreach (var deep in DeepOptModels(_model))
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
        return Answer(scored, _outputs);
    }

    public List<Dictionary<string, object?>> PredictBatch(IReadOnlyList<JsonElement> rows)
    {
        var parsed = Batch.Parse(rows, row => RequestRow.Parse(row, _inputSchema, _features));
        var scored = _model.Transform(new RequestRows(_inputSchema, parsed)); // DeepOpt scores the rows in batches
        var outputs = _outputs.Select(c => scored.Schema[c.Name]).ToArray();
        var answers = new List<Dictionary<string, object?>>(parsed.Count);
        using var cursor = scored.GetRowCursor(outputs);
        while (cursor.MoveNext())
        {
            answers.Add(Answer(cursor, outputs));
        }

        return answers;
    }

    public void Dispose() => (_model as IDisposable)?.Dispose();

    private static IEnumerable<DeepPredictionTransformer> DeepOptModels(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(DeepOptModels) : model is DeepPredictionTransformer deep ? [deep] : [];

    private static Dictionary<string, object?> Answer(DataViewRow scored, DataViewSchema.Column[] outputs)
    {
        var answer = new Dictionary<string, object?>();
        foreach (var column in outputs)
        {
            answer[s_answers.First(a => a.Column == column.Name).Name] = Read(scored, column);
        }

        return answer;
    }

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
