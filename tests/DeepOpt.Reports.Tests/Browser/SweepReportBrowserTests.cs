// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepOpt.Reports.Sweep;
using DeepOpt.Reports.Tests.Support;

namespace DeepOpt.Reports.Tests.Browser;

/// <summary>
/// Opens the sweep report in Debian's headless Chromium over the DevTools protocol: the figures decode, the table
/// renders, a click on a header sorts it, and a screenshot is kept. Without Chromium the test is inconclusive, unless
/// CI or DEEPOPT_REQUIRE_CHROMIUM is set, where a missing browser is a failure.
/// </summary>
[TestClass]
public class SweepReportBrowserTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task Report_InHeadlessChromium_RendersFiguresAndSortsTheTableOnAHeaderClick()
    {
        var chromium = HeadlessChromium.Find() ?? MissingChromium();
        var folder = Directory.CreateTempSubdirectory("deepopt-report-");
        var trials = SyntheticSweep.Trials(25);
        var report = Path.Combine(folder.FullName, "report.html");
        SweepReport.Save(trials, report);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);
        cancel.CancelAfter(s_timeout);
        var token = cancel.Token;

        using var browser = HeadlessChromium.Start(chromium, new Uri("about:blank"), s_timeout);
        await using var cdp = await CdpSession.ConnectAsync(browser.Endpoint, token);
        var page = await AttachToPageAsync(cdp, token);
        // Navigating only once attached means every evaluation below runs in the report's document, not about:blank's.
        await cdp.SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(report).AbsoluteUri }, page, token);
        await WaitForReportAsync(cdp, page, token);

        var images = await cdp.EvaluateAsync(page, "Array.from(document.images).map(i => [i.id, i.complete, i.naturalWidth, i.naturalHeight])", token);
        Assert.AreEqual(4, images.GetArrayLength());
        foreach (var image in images.EnumerateArray())
        {
            Assert.IsTrue(image[1].GetBoolean() && image[2].GetInt32() == 900 && image[3].GetInt32() == 500, $"{image} did not render");
        }

        var rows = await cdp.EvaluateAsync(page, "document.querySelectorAll('#trials tbody tr').length", token);
        var visible = await cdp.EvaluateAsync(page, "document.querySelector('#trials').getBoundingClientRect().height", token);
        Assert.AreEqual(trials.Count, rows.GetInt32());
        Assert.IsTrue(visible.GetDouble() > 25 * 10, $"the table is {visible} px high");

        var ascending = await ClickHeaderAndReadColumnAsync(cdp, page, "Loss", token);
        AssertSorted(ascending, descending: false);
        var descending = await ClickHeaderAndReadColumnAsync(cdp, page, "Loss", token);
        AssertSorted(descending, descending: true);
        Assert.IsTrue(double.IsNaN(ascending[^1]) && double.IsNaN(descending[^1]), "the failed trial's empty loss sorts last both ways");

        // Back to ascending for the screenshot: the best trial on top.
        await ClickHeaderAndReadColumnAsync(cdp, page, "Loss", token);
        var screenshot = await ScreenshotAsync(cdp, page, token);
        var path = Path.Combine(TestContext.TestRunResultsDirectory ?? folder.FullName, "sweep-report.png");
        await File.WriteAllBytesAsync(path, screenshot, token);
        TestContext.AddResultFile(path);
        PngAssert.IsNonTrivial(screenshot, 1280, null);
        folder.Delete(recursive: true);
    }

    private static string MissingChromium()
    {
        bool required = new[] { "CI", "DEEPOPT_REQUIRE_CHROMIUM" }
            .Any(name => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase));
        const string message = "Chromium was not found (install Debian's 'chromium' package, or set DEEPOPT_CHROMIUM to the executable).";
        if (required)
        {
            Assert.Fail($"{message} CI or DEEPOPT_REQUIRE_CHROMIUM is set, so the browser check may not be skipped.");
        }

        Assert.Inconclusive(message);
        return "";
    }

    private static async Task<string> AttachToPageAsync(CdpSession cdp, CancellationToken token)
    {
        var targets = await cdp.SendAsync("Target.getTargets", null, null, token);
        var page = targets.GetProperty("targetInfos").EnumerateArray().First(t => t.GetProperty("type").GetString() == "page");
        var attached = await cdp.SendAsync("Target.attachToTarget",
            new JsonObject { ["targetId"] = page.GetProperty("targetId").GetString(), ["flatten"] = true }, null, token);
        return attached.GetProperty("sessionId").GetString()!;
    }

    private static async Task WaitForReportAsync(CdpSession cdp, string page, CancellationToken token)
    {
        const string ready = "new Promise(r => { const ready = () => location.protocol === 'file:' && document.readyState === 'complete' ? r(true) : setTimeout(ready, 50); ready(); })";
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await cdp.EvaluateAsync(page, ready, token);
                return;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                // The evaluation began in about:blank and its context was destroyed by the navigation: ask again.
                await Task.Delay(100, token);
            }
        }
    }

    /// <summary>Clicks a header with real mouse events at its centre, then reads the column's numbers (NaN for empty).</summary>
    private static async Task<double[]> ClickHeaderAndReadColumnAsync(CdpSession cdp, string page, string header, CancellationToken token)
    {
        var find = $"Array.from(document.querySelectorAll('#trials thead th')).findIndex(th => th.textContent.trim().startsWith('{header}'))";
        int index = (await cdp.EvaluateAsync(page, find, token)).GetInt32();
        Assert.IsTrue(index >= 0, $"no {header} header");
        var centre = await cdp.EvaluateAsync(page,
            $"(() => {{ const th = document.querySelectorAll('#trials thead th')[{index}]; th.scrollIntoView({{block: 'center'}}); const r = th.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()", token);
        foreach (var type in new[] { "mousePressed", "mouseReleased" })
        {
            await cdp.SendAsync("Input.dispatchMouseEvent", new JsonObject
            {
                ["type"] = type, ["x"] = centre[0].GetDouble(), ["y"] = centre[1].GetDouble(), ["button"] = "left", ["clickCount"] = 1,
            }, page, token);
        }

        var values = await cdp.EvaluateAsync(page,
            $"Array.from(document.querySelectorAll('#trials tbody tr')).map(tr => tr.cells[{index}].getAttribute('data-value'))", token);
        return values.EnumerateArray()
            .Select(v => string.IsNullOrEmpty(v.GetString()) ? double.NaN : double.Parse(v.GetString()!, CultureInfo.InvariantCulture)).ToArray();
    }

    private static void AssertSorted(double[] values, bool descending)
    {
        var numbers = values.Where(double.IsFinite).ToArray();
        var expected = descending ? numbers.OrderDescending() : numbers.Order();
        CollectionAssert.AreEqual(expected.ToArray(), numbers, $"{(descending ? "descending" : "ascending")}: {string.Join(", ", values)}");
        Assert.IsTrue(numbers.First() != numbers.Last(), "the column has different values to sort");
    }

    private static async Task<byte[]> ScreenshotAsync(CdpSession cdp, string page, CancellationToken token)
    {
        var size = await cdp.EvaluateAsync(page, "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]", token);
        await cdp.EvaluateAsync(page, "window.scrollTo(0, 0)", token);
        var shot = await cdp.SendAsync("Page.captureScreenshot", new JsonObject
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = 1280, ["height"] = size[1].GetDouble(), ["scale"] = 1 },
        }, page, token);
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }
}
