// Licensed under the MIT license. See LICENSE in the repository root.
// The serving benchmark: trains the QuickStart's kind of model (an MLP on the embedded digits), saves it, starts
// examples/Serving on a loopback port, and sends --requests requests from each client count in turn (1, 4, 16 by
// default), round after round with the order reversed every other round. Prints throughput, p50 and p99 latency and
// errors per run, then per client count the median throughput over rounds and its ratio to one client's, and the
// server's resident size before and after the runs.
// Usage: dotnet ServingBench.dll --server path/to/Serving.dll [--requests 20000] [--clients 1,4,16] [--rounds 3]

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

var ml = new MLContext(seed: 1);
var digits = Digits.Load().ToList();
var data = ml.Data.LoadFromEnumerable(digits);
string modelPath = Path.Combine(Path.GetTempPath(), $"deepopt-serving-bench-{Environment.ProcessId}.zip");
string nextPath = modelPath + ".next";
foreach (var (path, seed) in new[] { (modelPath, 1), (nextPath, 2) })
{
    using var model = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append<ITransformer>(ml.Transforms.NormalizeMinMax("Features", "Pixels"))
        .Append<ITransformer>(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [128, 64], Epochs = 5, Seed = seed }))
        .Append<ITransformer>(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
        .Fit(data);
    ml.Model.SaveDeepOpt(model, data.Schema, path);
}

var bodies = digits.Select(d => JsonSerializer.Serialize(new { d.Pixels })).ToArray();
string url = $"http://127.0.0.1:{FreePort()}";
var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var argument in new[] { server, "--model", modelPath, "--urls", url })
{
    start.ArgumentList.Add(argument);
}

using var process = Process.Start(start)!;
process.OutputDataReceived += (_, _) => { };
process.ErrorDataReceived += (_, e) => { if (e.Data != null) { Console.Error.WriteLine($"server: {e.Data}"); } };
process.BeginOutputReadLine();
process.BeginErrorReadLine();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(url) };
await WaitForHealth(http);
await Run(http, bodies, 1, 500); // warm-up
long residentBefore = ResidentMiB(process.Id);

var throughput = clientCounts.ToDictionary(c => c, _ => new List<double>());
Console.WriteLine($"Serving bench, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {requests} requests a run, {rounds} rounds");
for (int round = 1; round <= rounds; round++)
{
    foreach (int clients in round % 2 == 1 ? clientCounts : clientCounts.Reverse())
    {
        var result = await Run(http, bodies, clients, requests);
        throughput[clients].Add(result.PerSecond);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"round {round} clients {clients,2}: {result.PerSecond,7:F0} requests/s, p50 {result.P50:F2} ms, p99 {result.P99:F2} ms, errors {result.Errors}"));
    }
}

double single = Median(throughput[clientCounts[0]]);
foreach (int clients in clientCounts)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"clients {clients,2}: median {Median(throughput[clients]):F0} requests/s, {Median(throughput[clients]) / single:F2} × {clientCounts[0]} client(s)"));
}

Console.WriteLine($"server resident size: {residentBefore} MiB after warm-up, {ResidentMiB(process.Id)} MiB after the runs");

// A hot swap under load: 4 clients run while the second model is renamed over the first.
var load = Run(http, bodies, 4, requests);
await Task.Delay(200);
var swapWatch = Stopwatch.StartNew();
File.Move(nextPath, modelPath, overwrite: true);
while (!(await http.GetStringAsync("/health")).Contains("\"modelVersion\":2", StringComparison.Ordinal))
{
    await Task.Delay(10);
}

double swapMilliseconds = swapWatch.Elapsed.TotalMilliseconds;
var during = await load;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hot swap under 4 clients: the new model served {swapMilliseconds:F0} ms after the rename; {during.Errors} errors in {requests} requests, p99 {during.P99:F2} ms"));
process.Kill(entireProcessTree: true);
File.Delete(modelPath);
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

static async Task WaitForHealth(HttpClient http)
{
    for (int attempt = 0; ; attempt++)
    {
        try
        {
            (await http.GetAsync("/health")).EnsureSuccessStatusCode();
            return;
        }
        catch (HttpRequestException) when (attempt < 300)
        {
            await Task.Delay(100);
        }
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static long ResidentMiB(int pid) =>
    long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

string? Arg(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
