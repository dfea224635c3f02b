// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.Reports.Tests.Support;

/// <summary>Trials of a made-up sweep whose loss depends on the learning rate and not at all on "Noise".</summary>
internal static class SyntheticSweep
{
    /// <summary>Makes trials: mostly completed, every fifth pruned after two steps, the last one failed.</summary>
    /// <param name="count">How many trials.</param>
    /// <param name="seed">Seed of the parameters and the loss noise.</param>
    /// <returns>The trials, in order of id.</returns>
    public static List<TrialResult> Trials(int count = 30, int seed = 1)
    {
        var random = new Random(seed);
        var trials = new List<TrialResult>();
        for (int id = 0; id < count; id++)
        {
            double logRate = -5 + (4 * random.NextDouble());
            double noise = random.NextDouble();
            var optimizer = random.Next(2) == 0 ? "Adam" : "Sgd";
            var parameter = Parameter.CreateNestedParameter(
                new KeyValuePair<string, Parameter>("LearningRate", Parameter.FromDouble(Math.Pow(10, logRate))),
                new KeyValuePair<string, Parameter>("Noise", Parameter.FromDouble(noise)),
                new KeyValuePair<string, Parameter>("Optimizer", Parameter.FromString(optimizer)),
                new KeyValuePair<string, Parameter>("Network", Parameter.CreateNestedParameter(
                    new KeyValuePair<string, Parameter>("Hidden", Parameter.FromArray([Parameter.FromInt(16 * (1 + random.Next(4)))])))));
            // The loss is a bowl around a learning rate of 1e-3, plus noise that "Noise" does not drive.
            double loss = ((logRate + 3) * (logRate + 3)) + (0.05 * random.NextDouble());
            var state = id == count - 1 ? TrialState.Failed : id % 5 == 4 ? TrialState.Pruned : TrialState.Completed;
            int steps = state == TrialState.Pruned ? 2 : 5;
            var curve = Enumerable.Range(1, steps).Select(s => new IntermediateValue(s, loss + (1.0 / s), -loss)).ToList();
            var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(id);
            trials.Add(new TrialResult
            {
                TrialSettings = new TrialSettings { TrialId = id, Parameter = parameter, StartedAtUtc = start, EndedAtUtc = start.AddSeconds(30) },
                State = state,
                Loss = state == TrialState.Failed ? double.NaN : state == TrialState.Pruned ? curve[^1].Loss : loss,
                Metric = state == TrialState.Failed ? double.NaN : -loss,
                DurationInMilliseconds = 1000 + (100 * id),
                IntermediateValues = state == TrialState.Failed ? [] : curve,
                ErrorMessage = state == TrialState.Failed ? "diverged: <loss> was NaN & stopped" : null,
            });
        }

        return trials;
    }
}
