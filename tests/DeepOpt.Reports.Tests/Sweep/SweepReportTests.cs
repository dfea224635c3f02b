// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.RegularExpressions;
using DeepOpt.Reports.Sweep;
using DeepOpt.Reports.Tests.Support;

namespace DeepOpt.Reports.Tests.Sweep;

[TestClass]
public class SweepReportTests
{
    [TestMethod]
    public void ToHtml_OfASweep_IsSelfContained()
    {
        var html = SweepReport.ToHtml(SyntheticSweep.Trials());

        Assert.IsFalse(Regex.IsMatch(html, "https?:", RegexOptions.IgnoreCase), "no http(s) reference");
        Assert.IsFalse(Regex.IsMatch(html, @"(src|href)\s*=\s*""(?!data:)", RegexOptions.IgnoreCase), "every src/href is a data URI");
        Assert.IsFalse(html.Contains("<link", StringComparison.OrdinalIgnoreCase), "no linked stylesheet");
    }

    [TestMethod]
    public void ToHtml_OfASweep_EmbedsFourPngFiguresAndATrialTable()
    {
        var trials = SyntheticSweep.Trials(20);

        var html = SweepReport.ToHtml(trials, new SweepReportOptions { Title = "Fashion & friends", MetricName = "MacroAccuracy" });

        var images = Regex.Matches(html, @"<img id=""(plot-[a-z]+)""[^>]*src=""data:image/png;base64,([^""]+)""");
        CollectionAssert.AreEqual(new[] { "plot-history", "plot-importance", "plot-parallel", "plot-intermediate" }, images.Select(m => m.Groups[1].Value).ToArray());
        foreach (Match image in images)
        {
            PngAssert.IsNonTrivial(Convert.FromBase64String(image.Groups[2].Value), 900, 500);
        }

        var table = Regex.Match(html, @"<table id=""trials"".*?</table>", RegexOptions.Singleline).Value;
        Assert.AreEqual(20, Regex.Matches(table, "<tr class=").Count);
        StringAssert.Contains(table, "<th data-type=\"number\">MacroAccuracy</th>");
        StringAssert.Contains(table, "<th data-type=\"number\">Network.Hidden[0]</th>");
        StringAssert.Contains(html, "<title>Fashion &amp; friends</title>");
        StringAssert.Contains(table, "diverged: &lt;loss&gt; was NaN &amp; stopped", "error messages are encoded");
        Assert.AreEqual(1, Regex.Matches(table, "class=\"Completed best\"").Count, "the best trial is marked");
    }

    [TestMethod]
    public void ToHtml_SeveralObjectives_AddsTheFrontTheHypervolumeAndTheTradeOffs()
    {
        var three = new AutoML.MultiObjective.ObjectiveSet(
            [AutoML.MultiObjective.Objective.Maximize("Accuracy"), AutoML.MultiObjective.Objective.Minimize("Latency"), AutoML.MultiObjective.Objective.Minimize("Size")],
            [AutoML.MultiObjective.Constraint.AtMost("Size", 8)]);
        var random = new Random(3);
        var trials = Enumerable.Range(0, 12).Select(i => new AutoML.Experiment.TrialResult
        {
            TrialSettings = new AutoML.Experiment.TrialSettings { TrialId = i },
            Loss = -i,
            Metrics = new Dictionary<string, double> { ["Accuracy"] = random.NextDouble(), ["Latency"] = random.NextDouble(), ["Size"] = random.Next(10) },
        }).ToList();

        var html = SweepReport.ToHtml(trials, new SweepReportOptions { Objectives = three });

        var images = Regex.Matches(html, @"<img id=""(plot-(front|hypervolume)[-0-9]*)""[^>]*src=""data:image/png;base64,([^""]+)""");
        CollectionAssert.AreEqual(new[] { "plot-front-0-1", "plot-front-0-2", "plot-front-1-2", "plot-hypervolume" }, images.Select(m => m.Groups[1].Value).ToArray());
        PngAssert.IsNonTrivial(Convert.FromBase64String(images[0].Groups[3].Value), 450, 250);
        PngAssert.IsNonTrivial(Convert.FromBase64String(images[3].Groups[3].Value), 900, 500);
        var table = Regex.Match(html, @"<table id=""tradeoffs"".*?</table>", RegexOptions.Singleline).Value;
        Assert.AreEqual(three.ParetoFront(trials).Count, Regex.Matches(table, "<tr><td").Count);
        StringAssert.Contains(table, "Latency (lower is better)");
        StringAssert.Contains(html, "subject to Size &lt;= 8");

        var (ids, volumes) = ParetoPlots.HypervolumeHistory(trials, three);
        Assert.IsTrue(volumes.Zip(volumes.Skip(1)).All(p => p.Second >= p.First), "the hypervolume never falls");
        Assert.IsTrue(ids.All(id => trials[id].Metrics["Size"] <= 8), "only feasible trials count");
    }

    [TestMethod]
    public void ObjectiveSet_ParsesWhatItWrites()
    {
        var set = new AutoML.MultiObjective.ObjectiveSet(
            [AutoML.MultiObjective.Objective.Maximize("MacroAccuracy"), AutoML.MultiObjective.Objective.Minimize("LatencyInMilliseconds")],
            [AutoML.MultiObjective.Constraint.AtMost("ParameterCount", 100000), AutoML.MultiObjective.Constraint.AtLeast("MacroAccuracy", 0.5)]);
        Assert.AreEqual(set.ToString(), AutoML.MultiObjective.ObjectiveSet.Parse(set.ToString()).ToString());
        Assert.ThrowsExactly<FormatException>(() => AutoML.MultiObjective.ObjectiveSet.Parse("maximise MacroAccuracy"));
    }
}
