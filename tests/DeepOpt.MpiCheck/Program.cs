// Licensed under the MIT license. See LICENSE in the repository root.
// Usage: DeepOpt.MpiCheck <weights.txt> [--mpi] [--fault none|die|hang] [--timeout-seconds S]
// Trains a small MLP on the embedded digits and writes its weights (and its train losses) to weights.txt, one number
// per line: alone, or with --mpi as one rank of an mpirun job (rank 0 writes). --fault makes rank 1 die (SIGKILL) or
// hang at its third collective, to test that the job ends with an error instead of waiting forever.

using System.Globalization;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

string output = args[0];
bool mpi = args.Contains("--mpi");
string fault = Option("--fault") ?? "none";
double timeout = double.Parse(Option("--timeout-seconds") ?? "120", CultureInfo.InvariantCulture);

using var mpiGroup = mpi ? MpiProcessGroup.Open(TimeSpan.FromSeconds(timeout)) : null;
IProcessGroup? group = mpiGroup == null ? null : new FaultyGroup(mpiGroup, fault);
var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(Digits.Load().Take(600), SchemaDefinition.Create(typeof(DigitImage)));
data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
var options = new MlpOptions
{
    FeatureColumnName = "Pixels", HiddenLayerSizes = [32], Optimizer = OptimizerKind.Sgd, Momentum = 0.9, LearningRate = 0.02,
    GradientClipNorm = 5, Epochs = 3, BatchSize = 30, Seed = 1, ThreadCount = 1,
};
using var model = ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { ProcessGroup = group }).Fit(data);
mpiGroup?.Barrier();
if ((group?.Rank ?? 0) == 0)
{
    var lines = model.History.Select(e => e.TrainLoss.ToString("R", CultureInfo.InvariantCulture))
        .Concat(WeightsOf(model).Select(w => w.ToString("R", CultureInfo.InvariantCulture)));
    File.WriteAllLines(output, lines);
}

Console.WriteLine($"rank {group?.Rank ?? 0} of {group?.Size ?? 1} done");
return 0;

string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 ? args[i + 1] : null;

// What the weights compute: the scores of 50 rows the model did not train on.
static IEnumerable<float> WeightsOf(DeepPredictionTransformer model)
{
    var ml = new MLContext(seed: 1);
    var rows = Digits.Load().Skip(600).Take(50);
    var scored = model.Transform(ml.Data.LoadFromEnumerable(rows, SchemaDefinition.Create(typeof(DigitImage))));
    return scored.GetColumn<float[]>("Score").SelectMany(s => s);
}

/// <summary>Rank 1 dies or hangs at its third collective when asked to.</summary>
internal sealed class FaultyGroup(IProcessGroup inner, string fault) : IProcessGroup
{
    private int _calls;

    public int Rank => inner.Rank;

    public int Size => inner.Size;

    public void AllReduceSum(float[] values)
    {
        Fault();
        inner.AllReduceSum(values);
    }

    public void Broadcast(float[] values, int root)
    {
        Fault();
        inner.Broadcast(values, root);
    }

    private void Fault()
    {
        if (Rank != 1 || ++_calls < 3 || fault == "none")
        {
            return;
        }

        Console.Error.WriteLine($"rank 1: {fault} now");
        if (fault == "die")
        {
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }

        Thread.Sleep(Timeout.Infinite);
    }
}
