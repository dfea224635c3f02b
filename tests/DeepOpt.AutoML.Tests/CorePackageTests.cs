// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests;

/// <summary>The search spaces, tuners, pruners, experiment and stores stand without the trainers.</summary>
[TestClass]
public class CorePackageTests
{
    [TestMethod]
    public void CoreTypes_LiveInAnAssemblyThatReferencesNeitherTheTrainersNorTorchSharp()
    {
        var core = typeof(TuningExperiment).Assembly;
        Assert.AreEqual("DeepOpt.AutoML.Core", core.GetName().Name);
        foreach (var type in new[] { typeof(AutoML.SearchSpace.SearchSpace), typeof(BayesianTuner), typeof(CostFrugalTuner), typeof(MedianPruner), typeof(SqliteTrialStore), typeof(PostgresTrialStore) })
        {
            Assert.AreSame(core, type.Assembly, type.Name);
        }

        var references = core.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.IsFalse(references.Any(r => r.StartsWith("DeepOpt.Trainers", StringComparison.Ordinal) || r.StartsWith("TorchSharp", StringComparison.Ordinal)), string.Join(", ", references));
        Assert.AreEqual("DeepOpt.AutoML", typeof(DeepOptExperiment).Assembly.GetName().Name);
    }
}
