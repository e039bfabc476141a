using Microsoft.Playwright;
using LlamaDuo.Pipeline.Report;

namespace LlamaDuo.Pipeline.Tests.Report;

/// <summary>
/// Opens report.html in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright's bundled node
/// driver; no `playwright install` needed) and checks that every figure renders with a size and its labels, and
/// that the page asks for nothing over the network.
/// </summary>
public class ReportBrowserTests
{
    public static readonly TheoryData<string, string[]> Figures = new()
    {
        { "scores", ["Judge scores per round", "round 0", "round 2", "similarity (mean, 95% CI)", "precision (median)", "pass: similarity >= 90"] },
        { "coverage", ["Coverage per round", "similarity coverage %"] },
        { "distribution", ["Score distribution, round 2", "row score (bins of 10)", "precision"] },
        { "synthetic", ["Synthetic rows per round", "added (kept after dedup)", "dropped: near-duplicate", "dropped: contaminated"] },
        { "loss", ["Training loss per round", "optimizer step", "round 1"] },
        { "cost", ["Service tokens and dollars per stage", "judge", "synthesize", "tok, $"] },
    };

    [Fact]
    public async Task Every_figure_renders_with_size_and_labels_and_nothing_is_fetched()
    {
        HeadlessChromium.AssertInstalled();
        using var dir = new TempDir();
        using var store = ReportFixture.Create(dir.Path);
        var report = RunReport.Write(store);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1000, Height = 900 } });
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);
        await page.RouteAsync("**/*", async route =>
        {
            // Anything but the report file itself would be a network request: refuse it (and the assertion below fails).
            if (route.Request.Url.StartsWith("file://", StringComparison.Ordinal)) await route.ContinueAsync();
            else await route.AbortAsync();
        });
        await page.GotoAsync(new Uri(report).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });

        foreach (var (id, labels) in Figures.Select(row => ((string)row[0], (string[])row[1])))
        {
            var svg = page.Locator($"figure[data-figure='{id}'] > svg");
            Assert.Equal(1, await svg.CountAsync());
            var box = await svg.BoundingBoxAsync();
            Assert.True(box is { Width: > 300, Height: > 150 }, $"figure {id} rendered at {box?.Width}x{box?.Height}");
            // Drawn marks: the figure has shapes with real extent, not just a blank canvas.
            var drawn = await svg.EvaluateAsync<int>("s => [...s.querySelectorAll('path,rect,line,polyline,circle,ellipse')].filter(e => { const b = e.getBBox(); return b.width > 0 || b.height > 0; }).length");
            Assert.True(drawn > 5, $"figure {id} has only {drawn} visible shapes");
            var text = await svg.EvaluateAsync<string>("s => [...s.querySelectorAll('text')].map(t => t.textContent).join('|')");
            foreach (var label in labels) Assert.Contains(label, text);
        }
        Assert.Equal("PASS", (await page.Locator("#rounds tr:last-child td.pass").InnerTextAsync()).Trim());
        Assert.All(requested, url => Assert.StartsWith("file://", url));
        Assert.Single(requested);
    }
}
