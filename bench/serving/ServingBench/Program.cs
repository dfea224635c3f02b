// Licensed under the MIT license. See LICENSE in the repository root.
// The serving benchmark: trains an MLP on the embedded digits' pixels, saves it with SaveDeepOpt (.zip, run by DeepOpt),
// as a plain ML.NET pipeline with ConvertToOnnxPipeline and ml.Model.Save (.plain.zip, run by ML.NET alone), and exports
// its network with ConvertToOnnx (.onnx, run by ONNX Runtime), starts examples/Serving once per route on a
// loopback port, and sends --requests requests from each client count (1, 4, 16 by default) to each route, round
// after round, the order of routes and client counts reversed every other round. Prints throughput, p50 and p99
// latency and errors per run; per route and client count the median throughput over rounds and its ratio to one
// client's; each server's resident size; per route, its resident size before, during and after a burst of large
// batches; and, per route, a hot swap under 4 clients (a second model renamed over the first) with the time until
// /health reports it.
// Usage: dotnet ServingBench.dll --server path/to/Serving.dll [--requests 20000] [--clients 1,4,16] [--rounds 3] [--burst-rows 4000]

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;

string server = Arg("--server") ?? throw new ArgumentException("--server path/to/Serving.dll is required.");
int requests = int.Parse(Arg("--requests") ?? "20000", CultureInfo.InvariantCulture);
int rounds = int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture);
int[] clientCounts = (Arg("--clients") ?? "1,4,16").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
string[] routes = [".zip", ".plain.zip", ".onnx"];
int burstRows = int.Parse(Arg("--burst-rows") ?? "4000", CultureInfo.InvariantCulture);

var ml = new MLContext(seed: 1);
var digits = Digits.Load().ToList();
var data = ml.Data.LoadFromEnumerable(digits);
string folder = Directory.CreateTempSubdirectory("deepopt-serving-bench-").FullName;
foreach (var (name, seed) in new[] { ("model", 1), ("next", 2) })
{
    using var model = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append<ITransformer>(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { FeatureColumnName = "Pixels", HiddenLayerSizes = [128, 64], Epochs = 5, Seed = seed }))
        .Append<ITransformer>(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
        .Fit(data);
    ml.Model.SaveDeepOpt(model, data.Schema, Path.Combine(folder, name + ".zip"));
    ml.Model.Save(ml.Model.ConvertToOnnxPipeline(model, data), data.Schema, Path.Combine(folder, name + ".plain.zip"));
    ml.Model.ConvertToOnnx(model, Path.Combine(folder, name + ".onnx"));
}

var bodies = digits.Select(d => JsonSerializer.Serialize(new { d.Pixels })).ToArray();
var servers = routes.ToDictionary(r => r, r => ServerProcess.Start(server, Path.Combine(folder, "model" + r)));
foreach (var (_, s) in servers)
{
    await s.WaitForHealth();
    await Run(s.Http, bodies, 1, 500); // warm-up
    s.ResidentAfterWarmUp = s.ResidentMiB();
}

var throughput = routes.ToDictionary(r => r, _ => clientCounts.ToDictionary(c => c, _ => new List<double>()));
Console.WriteLine($"Serving bench, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {requests} requests a run, {rounds} rounds");
for (int round = 1; round <= rounds; round++)
{
    foreach (string route in round % 2 == 1 ? routes : routes.Reverse())
    {
        foreach (int clients in round % 2 == 1 ? clientCounts : clientCounts.Reverse())
        {
            var result = await Run(servers[route].Http, bodies, clients, requests);
            throughput[route][clients].Add(result.PerSecond);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round} {route,-10} clients {clients,2}: {result.PerSecond,7:F0} requests/s, p50 {result.P50:F2} ms, p99 {result.P99:F2} ms, errors {result.Errors}"));
        }
    }
}

foreach (string route in routes)
{
    double single = Median(throughput[route][clientCounts[0]]);
    foreach (int clients in clientCounts)
    {
        double median = Median(throughput[route][clients]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{route,-10} clients {clients,2}: median {median:F0} requests/s, {median / single:F2} × {clientCounts[0]} client(s)"));
    }

    var s = servers[route];
    Console.WriteLine($"{route,-10} server resident size: {s.ResidentAfterWarmUp} MiB after warm-up, {s.ResidentMiB()} MiB after the runs");
}

// A burst of large batches per route: 8 clients send 5 batches of --burst-rows rows each; the server's resident size
// before, at its peak (sampled every 50 ms) and 5 s after, which should fall back to within 20 % of before.
string burstBody = $"[{string.Join(',', Enumerable.Range(0, burstRows).Select(i => bodies[i % bodies.Length]))}]";
foreach (string route in routes)
{
    var s = servers[route];
    await Task.Delay(2000);
    Console.WriteLine($"server: before the burst: {await s.Http.GetStringAsync("/health")}");
    long before = s.ResidentMiB(), peak = before;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            peak = Math.Max(peak, s.ResidentMiB());
            await Task.Delay(50);
        }
    });
    var burst = await Run(s.Http, [burstBody], 8, 40);
    sampling.Cancel();
    await sampler;
    await Task.Delay(5000);
    long after = s.ResidentMiB();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{route,-10} burst of 40 batches of {burstRows} rows from 8 clients: {burst.Errors} errors, p50 {burst.P50:F0} ms; resident {before} MiB before, {peak} MiB at the peak, {after} MiB 5 s after ({(double)after / before:F2} × before)"));
}

// A hot swap under load per route: 4 clients run while the second model is renamed over the first.
foreach (string route in routes)
{
    var s = servers[route];
    var load = Run(s.Http, bodies, 4, requests);
    await Task.Delay(200);
    var swapWatch = Stopwatch.StartNew();
    File.Copy(Path.Combine(folder, "next" + route), Path.Combine(folder, "replacement.tmp"), overwrite: true);
    File.Move(Path.Combine(folder, "replacement.tmp"), Path.Combine(folder, "model" + route), overwrite: true);
    while (!(await s.Http.GetStringAsync("/health")).Contains("\"modelVersion\":2", StringComparison.Ordinal))
    {
        await Task.Delay(10);
    }

    double swapMilliseconds = swapWatch.Elapsed.TotalMilliseconds;
    var during = await load;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{route,-10} hot swap under 4 clients: the new model served {swapMilliseconds:F0} ms after the rename; {during.Errors} errors in {requests} requests, p99 {during.P99:F2} ms"));
    s.Dispose();
}

Directory.Delete(folder, recursive: true);
return 0;

static async Task<(double PerSecond, double P50, double P99, int Errors)> Run(HttpClient http, string[] bodies, int clients, int requests)
{
    var latencies = new double[requests];
    int next = -1, errors = 0;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < requests)
        {
            long begin = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync("/predict", new StringContent(bodies[i % bodies.Length], Encoding.UTF8, "application/json"));
            await response.Content.ReadAsStringAsync();
            latencies[i] = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref errors);
            }
        }
    })));
    double seconds = watch.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    return (requests / seconds, latencies[requests / 2], latencies[(int)(requests * 0.99)], errors);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

string? Arg(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

/// <summary>examples/Serving in a child process on a free loopback port.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, HttpClient http)
    {
        _process = process;
        Http = http;
    }

    public HttpClient Http { get; }

    public long ResidentAfterWarmUp { get; set; }

    public static ServerProcess Start(string server, string modelPath)
    {
        string url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { server, "--model", modelPath, "--urls", url })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("resident size", StringComparison.Ordinal) == true) { Console.WriteLine($"server: {e.Data.Trim()}"); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) { Console.Error.WriteLine($"server: {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(url) });
    }

    public async Task WaitForHealth()
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                (await Http.GetAsync("/health")).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException) when (attempt < 300)
            {
                await Task.Delay(100);
            }
        }
    }

    public long ResidentMiB() =>
        long.Parse(File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

    public void Dispose()
    {
        Http.Dispose();
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
