// Licensed under the MIT license. See LICENSE in the repository root.
// The DeepOpt side of bench/cnn: trains the seed CNN on Fashion-MNIST and prints one line "RESULT {json}" with the
// epoch times, the time spent outside the epochs (reading the IDataView into tensors), the test accuracy, the batch
// inference throughput and the single-image PredictionEngine latency, and the same two for the network exported to ONNX
// and run by ONNX Runtime (OnnxRoute.cs).
// Usage: dotnet CnnBench.dll [--data DIR] [--epochs N] [--threads N] [--seed N] [--latency N]

using System.Diagnostics;
using System.Text.Json;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

var command = CommandLine.Parse(args, "[--data DIR] [--epochs N] [--threads N] [--seed N] [--latency N]", new Dictionary<string, string?>
{
    ["--data"] = null, ["--epochs"] = "2", ["--threads"] = "2", ["--seed"] = "1", ["--latency"] = "1000",
});
if (command == null)
{
    return 2;
}

int epochs = command.Int("--epochs");
int threads = command.Int("--threads");
int seed = command.Int("--seed");
int latencyCount = command.Int("--latency");
string folder = FashionMnistData.Locate(command.Text("--data"));
var trainRows = FashionMnistData.Train(folder);
var testRows = FashionMnistData.Test(folder);
var ml = new MLContext(seed: seed);
var train = ml.Data.LoadFromEnumerable(trainRows);
var test = ml.Data.LoadFromEnumerable(testRows);

// The key mapping is fitted apart, so that the timed Fit is the CNN trainer's alone.
var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
var keyedTrain = keys.Transform(train);
var trainer = ml.MulticlassClassification.Trainers.Cnn(new CnnOptions
{
    FeatureColumnName = "Pixels",
    ImageHeight = 28,
    ImageWidth = 28,
    Channels = 1,
    Optimizer = OptimizerKind.Adam,
    LearningRate = 1e-3,
    BatchSize = 128,
    Epochs = epochs,
    ThreadCount = threads,
    Seed = seed,
}, new DeepFitContext
{
    Progress = new Progress<EpochReport>(r => Console.Error.WriteLine($"deepopt epoch {r.Epoch}/{r.TotalEpochs} loss {r.TrainLoss:F4} {r.Seconds:F1} s")),
});

// Process CPU time as well as wall time: on a machine shared with other tenants, wall time also counts waiting for a core.
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var watch = Stopwatch.StartNew();
using var cnn = trainer.Fit(keyedTrain);
double fitSeconds = watch.Elapsed.TotalSeconds;
double fitCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
var epochSeconds = cnn.History.Select(r => r.Seconds).ToArray();

// Everything Fit does outside its epochs: reading the IDataView (cursor, key mapping, checks) into one float array,
// copying it into a tensor, building and initialising the network, the optimizer. An upper bound of the data moving.
double outsideEpochs = fitSeconds - epochSeconds.Sum();

var model = keys.Append(cnn);
var inference = new List<double>();
double accuracy = 0;
for (int pass = 0; pass < 3; pass++)
{
    watch.Restart();
    var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
    inference.Add(watch.Elapsed.TotalSeconds);
    accuracy = metrics.MicroAccuracy;
}

var engine = ml.Model.CreatePredictionEngine<FashionImage, Prediction>(model);
var latencies = new List<double>();
for (int i = 0; i < latencyCount + 50; i++)
{
    var image = testRows[i % testRows.Count];
    long start = Stopwatch.GetTimestamp();
    var prediction = engine.Predict(image);
    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    if (i >= 50)
    {
        latencies.Add(ms);
    }

    GC.KeepAlive(prediction);
}

latencies.Sort();
inference.Sort();
var deepOptScores = model.Transform(test).GetColumn<float[]>("Score").ToArray();
var onnx = OnnxRoute.Measure(ml, cnn, testRows, deepOptScores, threads, latencyCount);
var result = new
{
    side = "deepopt",
    seed,
    threads,
    epochs,
    train_rows = trainRows.Count,
    epoch_seconds = epochSeconds,
    fit_seconds = fitSeconds,
    outside_epochs_seconds = outsideEpochs,
    fit_cpu_seconds = fitCpuSeconds,
    train_loss = cnn.History[^1].TrainLoss,
    test_accuracy = accuracy,
    inference_seconds = inference[1],
    inference_images_per_second = testRows.Count / inference[1],
    latency_ms_median = latencies[latencies.Count / 2],
    latency_ms_p90 = latencies[latencies.Count * 9 / 10],
    onnx_inference_images_per_second = onnx.ImagesPerSecond,
    onnx_latency_ms_median = onnx.LatencyMedianMs,
    onnx_max_score_difference = onnx.MaxScoreDifference,
    onednn_max_cpu_isa_set_by_user = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA"),
};
Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
return 0;

/// <summary>The columns PredictionEngine fills.</summary>
internal sealed class Prediction
{
    /// <summary>The class probabilities.</summary>
    public float[] Score { get; set; } = [];

    /// <summary>The predicted class key.</summary>
    public uint PredictedLabel { get; set; }
}
