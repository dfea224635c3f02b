// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using DeepOpt.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// examples/Serving started on a loopback port and sent real HTTP requests, single rows and batches, good, bad and during
/// a model swap, on the three routes: a SaveDeepOpt zip run by DeepOpt, the plain ML.NET pipeline of ConvertToOnnxPipeline
/// run by ML.NET alone, and the network exported to ONNX run by ONNX Runtime.
/// </summary>
[TestClass]
public sealed class ServingTests
{
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(90);

    [TestMethod]
    [DataRow(".zip")]
    [DataRow(".plain.zip")]
    [DataRow(".onnx")]
    public async Task Predict_GoodAndBadRequests_ScoresLikeTheModelAndAnswers400WithTheReason(string route)
    {
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1);
        var rows = Digits.Load().Take(40).ToList();
        using var model = SaveDigitsModel(ml, folder.File("model" + route), hidden: 16);
        var expected = Expected(ml, model, rows);
        await using var server = await Server.Start(folder.File("model" + route));

        for (int i = 0; i < rows.Count; i++)
        {
            var (status, answer) = await server.Post(Body(rows[i]));
            Assert.AreEqual(HttpStatusCode.OK, status, answer.GetRawText());
            AssertAnswer(expected[i], answer, $"row {i}");
        }

        // A batch: one request, every row scored together, the answers in order.
        var (batchStatus, batch) = await server.Post($"[{string.Join(',', rows.Select(Body))}]");
        Assert.AreEqual(HttpStatusCode.OK, batchStatus, batch.GetRawText());
        var predictions = batch.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.HasCount(rows.Count, predictions);
        for (int i = 0; i < rows.Count; i++)
        {
            AssertAnswer(expected[i], predictions[i], $"batch row {i}");
        }

        string zeros = JsonSerializer.Serialize(new float[64]);
        var bad = new (string Body, string Reason)[]
        {
            ("{\"Pixels\": [1, 2]", "The body is not JSON"),
            ("[1, 2]", "Row 0: A row must be a JSON object with 'Pixels' (an array of 64 numbers)."),
            ("\"seven\"", "A row must be a JSON object with 'Pixels'"),
            ("[]", "A batch must hold 1 to 10000 rows, but got 0."),
            ($"[{Body(rows[0])}, {Body(rows[1])}, {Body(rows[2])}, {{\"Pixels\": [1, 2]}}]", "Row 3: Column 'Pixels' must be an array of 64 numbers, but got 2 values."),
            ("{}", "Column 'Pixels' is missing."),
            ("{\"Pixels\": [1, 2]}", "Column 'Pixels' must be an array of 64 numbers, but got 2 values."),
            ("{\"Pixels\": \"all\"}", "Column 'Pixels' must be an array of 64 numbers, but got string."),
            ($"{{\"Pixels\": {zeros.Replace("0,", "\"x\",", StringComparison.Ordinal)}}}", "value 0 is \"x\", not a finite number."),
            ($"{{\"Pixels\": {zeros}, \"Colour\": 1}}", "Unknown column 'Colour'."),
            ($"{{\"Pixels\": {zeros}, \"Label\": \"seven\"}}", route.EndsWith(".zip", StringComparison.Ordinal) ? "Column 'Label' must be a number." : "Unknown column 'Label'."),
            ($"{{\"Pixels\": {zeros.Replace("0,", "1e300,", StringComparison.Ordinal)}}}", "not a finite number."),
            ("", "The body is not JSON"),
        };
        foreach (var (body, reason) in bad)
        {
            var (status, answer) = await server.Post(body);
            Assert.AreEqual(HttpStatusCode.BadRequest, status, $"{body}: {answer.GetRawText()}");
            StringAssert.Contains(answer.GetProperty("error").GetString(), reason, body);
        }

        var health = await server.Health();
        Assert.AreEqual("ok", health.GetProperty("status").GetString());
        Assert.AreEqual("'Pixels' (an array of 64 numbers)", health.GetProperty("inputs").GetString());
    }

    /// <summary>
    /// Four clients send requests while the model file is replaced (a new file renamed over it): every request is
    /// answered 200, by the old model or the new one, each with its own scores, and once the new model answers, only it does.
    /// </summary>
    [TestMethod]
    [DataRow(".zip")]
    [DataRow(".plain.zip")]
    [DataRow(".onnx")]
    public async Task Predict_ModelFileReplacedUnderLoad_NoRequestLostAndTheNewModelServes(string route)
    {
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1);
        var rows = Digits.Load().Take(20).ToList();
        using var first = SaveDigitsModel(ml, folder.File("model" + route), hidden: 16);
        using var second = SaveDigitsModel(ml, folder.File("next" + route), hidden: 24);
        var expected = new Dictionary<int, Prediction[]> { [1] = Expected(ml, first, rows), [2] = Expected(ml, second, rows) };
        await using var server = await Server.Start(folder.File("model" + route));

        using var swapped = new CancellationTokenSource();
        var versions = new int[4][];
        var clients = Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
        {
            var seen = new List<int>();
            int afterSwap = 0;
            for (int request = 0; request < 5000 && afterSwap < 30; request++)
            {
                int row = (request + client) % rows.Count;
                var (status, answer) = await server.Post(Body(rows[row]));
                Assert.AreEqual(HttpStatusCode.OK, status, $"client {client}, request {request}: {answer.GetRawText()}");
                int version = answer.GetProperty("modelVersion").GetInt32();
                AssertAnswer(expected[version][row], answer, $"client {client}, request {request}, model {version}");
                seen.Add(version);
                afterSwap += swapped.IsCancellationRequested ? 1 : 0;
            }

            versions[client] = [.. seen];
        })).ToArray();

        await Task.Delay(300); // let the clients get going on the first model
        File.Copy(folder.File("next" + route), folder.File("replacement.tmp"));
        File.Move(folder.File("replacement.tmp"), folder.File("model" + route), overwrite: true);
        var deadline = DateTime.UtcNow + s_hangGuard;
        while ((await server.Health()).GetProperty("modelVersion").GetInt32() != 2)
        {
            Assert.IsLessThan(deadline, DateTime.UtcNow, "the server never served the new file");
            await Task.Delay(50);
        }

        swapped.Cancel();
        Assert.IsTrue(Task.WaitAll(clients, s_hangGuard), "the clients did not finish");
        foreach (var seen in versions)
        {
            Assert.AreEqual(2, seen[^1], "a client ended on the old model");
            int firstNew = Array.IndexOf(seen, 2);
            Assert.IsTrue(seen.Skip(firstNew).All(v => v == 2), "the old model answered after the new one had");
        }

        Assert.IsTrue(versions.Any(seen => seen[0] == 1), "no request reached the first model");
    }

    private sealed record Prediction(float Label, float[] Score);

    private static string Body(DigitImage row) => JsonSerializer.Serialize(new { row.Pixels });

    /// <summary>The label exactly, the scores within 1e-4 (ONNX Runtime's kernels are not libtorch's).</summary>
    private static void AssertAnswer(Prediction expected, JsonElement answer, string what)
    {
        Assert.AreEqual(expected.Label, answer.GetProperty("predictedLabel").GetSingle(), what);
        var score = answer.GetProperty("score").EnumerateArray().Select(s => s.GetSingle()).ToArray();
        Assert.HasCount(expected.Score.Length, score, what);
        for (int i = 0; i < score.Length; i++)
        {
            Assert.AreEqual(expected.Score[i], score[i], 1e-4, $"{what}, score {i}");
        }
    }

    private static Prediction[] Expected(MLContext ml, ITransformer model, List<DigitImage> rows)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        return scored.GetColumn<float>("PredictedLabel").Zip(scored.GetColumn<float[]>("Score"), (label, score) => new Prediction(label, score)).ToArray();
    }

    /// <summary>
    /// An MLP on the digits' pixels, saved at <paramref name="path"/> with SaveDeepOpt (.zip), as a plain ML.NET pipeline
    /// with ml.Model.Save (.plain.zip), or exported to ONNX (.onnx, where the network is the whole model); the caller
    /// disposes it.
    /// </summary>
    private static TransformerChain<ITransformer> SaveDigitsModel(MLContext ml, string path, int hidden)
    {
        var data = ml.Data.LoadFromEnumerable(Digits.Load().Take(400));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append<ITransformer>(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { FeatureColumnName = "Pixels", HiddenLayerSizes = [hidden], Epochs = 2 }))
            .Append<ITransformer>(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        if (path.EndsWith(".onnx", StringComparison.Ordinal))
        {
            ml.Model.ConvertToOnnx(model, path);
        }
        else if (path.EndsWith(".plain.zip", StringComparison.Ordinal))
        {
            ml.Model.Save(ml.Model.ConvertToOnnxPipeline(model, data), data.Schema, path);
        }
        else
        {
            ml.Model.SaveDeepOpt(model, data.Schema, path);
        }

        return model;
    }

    /// <summary>The example server in a child process on a free loopback port, stopped on dispose.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _client;
        private readonly StringBuilder _output = new();

        private Server(Process process, HttpClient client)
        {
            _process = process;
            _client = client;
            _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public static async Task<Server> Start(string modelPath)
        {
            string dll = typeof(ServingTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Serving").Value!;
            string url = $"http://127.0.0.1:{FreePort()}";
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { dll, "--model", modelPath, "--urls", url })
            {
                start.ArgumentList.Add(argument);
            }

            var server = new Server(Process.Start(start)!, new HttpClient { BaseAddress = new Uri(url), Timeout = s_hangGuard });
            var deadline = DateTime.UtcNow + s_hangGuard;
            while (true)
            {
                Assert.IsFalse(server._process.HasExited, $"the server stopped: {server.Output}");
                Assert.IsLessThan(deadline, DateTime.UtcNow, $"the server did not answer /health: {server.Output}");
                try
                {
                    await server.Health();
                    return server;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public async Task<JsonElement> Health() => JsonDocument.Parse(await _client.GetStringAsync("/health")).RootElement;

        public async Task<(HttpStatusCode Status, JsonElement Answer)> Post(string body)
        {
            using var response = await _client.PostAsync("/predict", new StringContent(body, Encoding.UTF8, "application/json"));
            string text = await response.Content.ReadAsStringAsync();
            Assert.AreNotEqual(HttpStatusCode.InternalServerError, response.StatusCode, $"500 for {body}: {text} {Output}");
            return (response.StatusCode, JsonDocument.Parse(text).RootElement);
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
