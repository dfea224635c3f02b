// Licensed under the MIT license. See LICENSE in the repository root.
// Serving: an ASP.NET Core minimal API that serves a model saved with ml.Model.SaveDeepOpt.
//   POST /predict  a JSON object with the model's input columns, e.g. {"Pixels": [64 numbers]} for the QuickStart's
//                  model; answers {"predictedLabel", "score", "probability"?, "modelVersion"}, or 400 with the reason.
//   GET  /health   {"status": "ok", "modelVersion", "loadedAtUtc", "inputs"}.
// Replacing the model file (write a new file, then rename it over the old) swaps the model without losing a request.
// Usage: dotnet run --project examples/Serving -- --model model.zip [--label Label] [--urls http://127.0.0.1:5080]

using System.Text.Json;
using DeepOpt.Serving;
using Microsoft.ML;
using Microsoft.ML.Data;

var builder = WebApplication.CreateSlimBuilder(args);
string modelPath = builder.Configuration["model"] ?? throw new ArgumentException("Give the model file: --model model.zip (saved with ml.Model.SaveDeepOpt).");
string labelColumn = builder.Configuration["label"] ?? "Label";
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("DeepOpt.Serving", LogLevel.Information);
var app = builder.Build();
var ml = new MLContext(seed: 1);
using var slot = new ModelSlot(ml, modelPath, labelColumn, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DeepOpt.Serving"));

app.MapGet("/health", () =>
{
    using var lease = slot.Enter();
    var served = lease.Model;
    return Results.Json(new { status = "ok", modelVersion = served.Version, loadedAtUtc = served.LoadedAtUtc, inputs = RequestRow.Describe(served.InputSchema, served.Features) });
});

app.MapPost("/predict", async (HttpRequest request) =>
{
    JsonDocument body;
    try
    {
        body = await JsonDocument.ParseAsync(request.Body);
    }
    catch (JsonException ex)
    {
        return Results.BadRequest(new { error = $"The body is not JSON: {ex.Message}" });
    }

    using (body)
    using (var lease = slot.Enter())
    {
        var served = lease.Model;
        try
        {
            var row = RequestRow.Parse(body.RootElement, served.InputSchema, served.Features);
            return Results.Json(Predict(served, row));
        }
        catch (BadRequestException ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }
    }
});

app.Run();

static Dictionary<string, object?> Predict(ServedModel served, RequestRow row)
{
    var outputs = new[] { ("PredictedLabel", "predictedLabel"), ("Score", "score"), ("Probability", "probability") }
        .Select(o => (Column: served.Mapper.OutputSchema.GetColumnOrNull(o.Item1), Name: o.Item2))
        .Where(o => o.Column != null)
        .Select(o => (Column: o.Column!.Value, o.Name))
        .ToArray();
    using var scored = served.Mapper.GetRow(row, outputs.Select(o => o.Column));
    var answer = new Dictionary<string, object?> { ["modelVersion"] = served.Version };
    foreach (var (column, name) in outputs)
    {
        answer[name] = Read(scored, column);
    }

    return answer;
}

static object? Read(DataViewRow row, DataViewSchema.Column column)
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
