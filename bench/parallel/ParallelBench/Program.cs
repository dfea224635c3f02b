// Licensed under the MIT license. See LICENSE in the repository root.
// The .NET side of bench/parallel: trains the text bench's LSTM (on Debian's package descriptions) or the seed CNN (on
// Fashion-MNIST) with --replicas replicas of --threads threads each, alone or, with --mpi, as one rank of an mpirun
// job, and prints one line "RESULT {json}" (rank 0) with the epoch times, the CPU time (user + sys) of each epoch and of
// the whole fit (summed over the ranks), the test accuracy, and with --mpi the time the ranks spent in MPI collectives
// per step and the cost of one all-reduce of the gradients.
// Usage: dotnet ParallelBench.dll --network lstm|cnn [--replicas K] [--threads T] [--epochs N] [--batch-size N] [--seed N] [--mpi] [--on-pool] [--data DIR]
//   --on-pool: fits on a thread-pool thread, as a sweep's trials do, instead of the main thread
//   --batch-size: the global batch (default: the bench model's own, 32 for the LSTM and 128 for the CNN)

using System.Diagnostics;
using System.Text.Json;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

var command = CommandLine.Parse(args, "--network lstm|cnn [--replicas K] [--threads T] [--epochs N] [--batch-size N] [--seed N] [--mpi] [--on-pool] [--data DIR]", new Dictionary<string, string?>
{
    ["--network"] = "lstm", ["--replicas"] = "1", ["--threads"] = "1", ["--epochs"] = "2", ["--batch-size"] = "0", ["--seed"] = "1", ["--data"] = null,
}, "--mpi", "--on-pool");
if (command == null)
{
    return 2;
}

string network = command.Text("--network")!;
int replicas = command.Int("--replicas");
int threads = command.Int("--threads");
int seed = command.Int("--seed");
int batchSize = command.Int("--batch-size");
using var mpi = command.Flag("--mpi") ? MpiProcessGroup.Open(TimeSpan.FromMinutes(10)) : null;
var group = mpi == null ? null : new TimedGroup(mpi);
var ml = new MLContext(seed: seed);
var (train, test, trainer) = network switch
{
    "lstm" => Lstm(ml, command.Text("--data"), command.Int("--epochs"), batchSize > 0 ? batchSize : 32, replicas, threads, seed, group),
    "cnn" => Cnn(ml, command.Text("--data"), command.Int("--epochs"), batchSize > 0 ? batchSize : 128, replicas, threads, seed, group),
    _ => throw new ArgumentException($"--network must be lstm or cnn, not {network}."),
};

// The process's CPU time at the end of each epoch, read on the training thread as the epoch ends.
var cpuAtEpochEnd = new List<double> { Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds };
trainer.Progress = new EpochCpu(cpuAtEpochEnd);
var fit = Stopwatch.StartNew();
double cpuBefore = cpuAtEpochEnd[0];
using var model = command.Flag("--on-pool") ? await Task.Run(() => trainer.Fit(train)) : trainer.Fit(train);
double fitSeconds = fit.Elapsed.TotalSeconds;
var epochCpu = cpuAtEpochEnd.Zip(cpuAtEpochEnd.Skip(1), (a, b) => b - a).ToArray();

// Every rank's CPU time of the fit (reading the data included) and its time in collectives; with --mpi, summed over
// the ranks (only rank 0 reports epochs, so the epochs' CPU time is rank 0's alone).
var totals = new[] { (float)(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpuBefore), (float)(group?.Seconds ?? 0) };
int collectiveCalls = group?.Calls ?? 0;
mpi?.AllReduceSum(totals);

// The cost of an all-reduce of the gradients alone, with the ranks in step (the median of 20, each after a barrier).
double allReduceMilliseconds = mpi == null ? 0 : AllReduceCost(mpi, (int)(model.History[^1].ParameterCount ?? 0));
if ((mpi?.Rank ?? 0) == 0)
{
    var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
    var history = model.History;
    var result = new
    {
        name = $"{network} {(mpi == null ? "" : $"{mpi.Size} ranks x ")}{replicas} replica{(replicas == 1 ? "" : "s")} x {threads} thread{(threads == 1 ? "" : "s")}",
        network,
        ranks = mpi?.Size ?? 1,
        replicas,
        threads,
        seed,
        batch_size = batchSize > 0 ? batchSize : network == "lstm" ? 32 : 128,
        epochs = history.Count,
        epoch_seconds = history.Select(e => Math.Round(e.Seconds, 2)).ToArray(),
        epoch_cpu_seconds = epochCpu.Select(s => Math.Round(s, 2)).ToArray(),
        fit_seconds = Math.Round(fitSeconds, 2),
        fit_cpu_seconds = Math.Round(totals[0], 2),
        accuracy = Math.Round(metrics.MicroAccuracy, 4),
        train_loss = Math.Round(history[^1].TrainLoss, 4),
        steps = collectiveCalls,
        collective_ms_per_step = collectiveCalls == 0 ? 0 : Math.Round(totals[1] / (mpi?.Size ?? 1) * 1000 / collectiveCalls, 3),
        allreduce_ms = Math.Round(allReduceMilliseconds, 3),
    };
    Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
}

return 0;

static (IDataView Train, IDataView Test, Trainer Trainer) Lstm(MLContext ml, string? data, int epochs, int batchSize, int replicas, int threads, int seed, IProcessGroup? group)
{
    string folder = DebianDescriptions.Locate(data);
    var train = ml.Data.Cache(DebianDescriptions.Load(ml, folder, DebianDescriptions.TrainFile));
    var test = ml.Data.Cache(DebianDescriptions.Load(ml, folder, DebianDescriptions.TestFile));
    var labels = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);

    // The model of the text bench (bench/text, issue 5): a bidirectional LSTM with max pooling.
    var options = BenchLstm.Options(epochs, seed, threads, batchSize);
    options.Replicas = replicas;
    var context = new DeepFitContext { ProcessGroup = group };
    return (labels.Transform(train), labels.Transform(test), new Trainer(context, c => ml.MulticlassClassification.Trainers.Lstm(options, c)));
}

static (IDataView Train, IDataView Test, Trainer Trainer) Cnn(MLContext ml, string? data, int epochs, int batchSize, int replicas, int threads, int seed, IProcessGroup? group)
{
    string folder = FashionMnistData.Locate(data);
    var train = ml.Data.LoadFromEnumerable(FashionMnistData.Train(folder));
    var test = ml.Data.LoadFromEnumerable(FashionMnistData.Test(folder));
    var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);

    // The seed CNN of bench/cnn.
    var options = new CnnOptions
    {
        FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, Channels = 1, Optimizer = OptimizerKind.Adam, LearningRate = 1e-3,
        BatchSize = batchSize, Epochs = epochs, ThreadCount = threads, Seed = seed, Replicas = replicas,
    };
    var context = new DeepFitContext { ProcessGroup = group };
    return (keys.Transform(train), keys.Transform(test), new Trainer(context, c => ml.MulticlassClassification.Trainers.Cnn(options, c)));
}

static double AllReduceCost(MpiProcessGroup mpi, int count)
{
    var values = new float[count + 1];
    var times = new List<double>();
    for (int i = 0; i < 20; i++)
    {
        mpi.Barrier();
        var watch = Stopwatch.StartNew();
        mpi.AllReduceSum(values);
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return times[times.Count / 2];
}

/// <summary>A trainer made once its context is complete.</summary>
internal sealed class Trainer(DeepFitContext context, Func<DeepFitContext, IEstimator<ITransformer>> make)
{
    public IProgress<EpochReport>? Progress { get; set; }

    public DeepPredictionTransformer Fit(IDataView train)
    {
        context.Progress = Progress;
        return (DeepPredictionTransformer)make(context).Fit(train);
    }
}

/// <summary>Counts the time spent in the group's collectives (waiting for the other ranks included).</summary>
internal sealed class TimedGroup(IProcessGroup inner) : IProcessGroup
{
    public int Rank => inner.Rank;

    public int Size => inner.Size;

    public double Seconds { get; private set; }

    public int Calls { get; private set; }

    public void AllReduceSum(float[] values)
    {
        long start = Stopwatch.GetTimestamp();
        inner.AllReduceSum(values);
        Seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        Calls++;
    }

    public void Broadcast(float[] values, int root) => inner.Broadcast(values, root);
}
