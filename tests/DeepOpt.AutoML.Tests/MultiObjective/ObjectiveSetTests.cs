// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;

namespace DeepOpt.AutoML.Tests.MultiObjective;

[TestClass]
public class ObjectiveSetTests
{
    [TestMethod]
    public void Constraint_Parse_ReadsBothDirections()
    {
        var upper = Constraint.Parse("LatencyInMilliseconds <= 0.5");
        Assert.AreEqual("LatencyInMilliseconds", upper.Name);
        Assert.AreEqual(0.5, upper.Limit);
        Assert.IsTrue(upper.IsUpperBound);
        var lower = Constraint.Parse("MacroAccuracy>=0.8");
        Assert.IsFalse(lower.IsUpperBound);
        Assert.AreEqual("MacroAccuracy >= 0.8", lower.ToString());
    }

    [TestMethod]
    [DataRow("LatencyInMilliseconds < 0.5")]
    [DataRow("<= 0.5")]
    [DataRow("ParameterCount <= many")]
    public void Constraint_Parse_BadText_SaysTheForm(string text)
    {
        var error = Assert.ThrowsExactly<FormatException>(() => Constraint.Parse(text));
        StringAssert.Contains(error.Message, "`name <= limit` or `name >= limit`");
    }

    [TestMethod]
    public void Constraint_MissingValue_IsInfeasible_AndExcessIsSigned()
    {
        var trial = ParetoTests.Trial(0, 0.9, 2);
        Assert.AreEqual(-1.0, Constraint.AtMost("Latency", 3).ExcessOf(trial));
        Assert.AreEqual(0.1, Constraint.AtLeast("Accuracy", 1.0).ExcessOf(trial), 1e-12);
        Assert.AreEqual(double.PositiveInfinity, Constraint.AtMost("Size", 3).ExcessOf(trial));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Constraint.AtMost("Size", double.NaN));
    }

    [TestMethod]
    public void ObjectiveSet_NoObjectiveOrTwiceTheSame_Refused()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new ObjectiveSet([])).Message, "at least one objective");
        var twice = Assert.ThrowsExactly<ArgumentException>(() => new ObjectiveSet([Objective.Maximize("A"), Objective.Minimize("A")]));
        StringAssert.Contains(twice.Message, "'A' is given twice");
    }

    [TestMethod]
    public void ComputedObjective_ReadsTheTrial_AndTheMetricWinsOnceRecorded()
    {
        var time = Objective.TrainingTime();
        var trial = new TrialResult { DurationInMilliseconds = 2500 };
        Assert.AreEqual(2.5, time.ValueOf(trial));
        Assert.AreEqual(7.0, time.ValueOf(trial with { Metrics = new Dictionary<string, double> { ["TrainingTimeInSeconds"] = 7 } }));
        Assert.IsTrue(double.IsNaN(Objective.Maximize("Accuracy").ValueOf(trial)));
    }
}
