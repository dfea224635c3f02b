// Licensed under the MIT license. See LICENSE in the repository root.
// Serving: an ASP.NET Core minimal API that serves a model saved with ml.Model.SaveDeepOpt (run by DeepOpt), the plain
// ML.NET pipeline of ml.Model.ConvertToOnnxPipeline saved with ml.Model.Save (run by ML.NET alone), or the network
// exported with ml.Model.ConvertToOnnx (a .onnx file, run by ONNX Runtime without TorchSharp).
//   POST /predict  a JSON object with the model's input columns, e.g. {"Pixels": [64 numbers]} for the QuickStart's
//                  model (for a .onnx file, the feature column the network reads); answers
//                  {"predictedLabel", "score", "probability"?, "modelVersion"}, or 400 with the reason. A JSON array
//                  of such objects (at most 10,000) is a batch, scored together: {"predictions": [...], "modelVersion"}.
//   GET  /health   {"status": "ok", "modelVersion", "loadedAtUtc", "inputs", "residentMiB", "managedHeapMiB"}.
// Replacing the model file (write a new file, then rename it over the old) swaps the model without losing a request.
// Usage: dotnet run --project examples/Serving -- --model model.zip|model.onnx [--label Label] [--urls http://127.0.0.1:5080]

using System.Text.Json;
using DeepOpt.Serving;
using Microsoft.ML;

var builder = WebApplication.CreateSlimBuilder(args);
string modelPath = builder.Configuration["model"] ?? throw new ArgumentException("Give the model file: --model model.zip (ml.Model.SaveDeepOpt) or model.onnx (ml.Model.ConvertToOnnx).");
string labelColumn = builder.Configuration["label"] ?? "Label";
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("DeepOpt.Serving", LogLevel.Information);
var app = builder.Build();
var ml = new MLContext(seed: 1);
var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DeepOpt.Serving");
using var slot = new ModelSlot(ml, modelPath, labelColumn, log);
using var relief = new MemoryRelief(TimeSpan.FromSeconds(1), log);

app.MapGet("/health", () =>
{
    using var lease = slot.Enter();
    var served = lease.Model;
    return Results.Json(new
    {
        status = "ok", modelVersion = served.Version, loadedAtUtc = served.LoadedAtUtc, inputs = served.Route.Inputs,
        residentMiB = Environment.WorkingSet >> 20, managedHeapMiB = GC.GetGCMemoryInfo().HeapSizeBytes >> 20,
    });
});

app.MapPost("/predict", async (HttpRequest request) =>
{
    JsonDocument? row;
    List<JsonElement>? rows;
    try
    {
        (row, rows) = await RequestBody.Read(request);
    }
    catch (JsonException ex)
    {
        return Results.BadRequest(new { error = $"The body is not JSON: {ex.Message}" });
    }
    catch (BadRequestException ex)
    {
        return Results.BadRequest(new { error = ex.Message });
    }

    using (row)
    using (var lease = slot.Enter())
    {
        var served = lease.Model;
        try
        {
            Dictionary<string, object?> answer;
            if (rows != null)
            {
                answer = new() { ["predictions"] = served.Route.PredictBatch(rows) };
                relief.Answered(rows.Count);
            }
            else
            {
                answer = served.Route.Predict(row!.RootElement);
            }

            answer["modelVersion"] = served.Version;
            return Results.Json(answer);
        }
        catch (BadRequestException ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }
    }
});

app.Run();
