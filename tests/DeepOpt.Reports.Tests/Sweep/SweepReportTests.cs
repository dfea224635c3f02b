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
}
