using LlamaDuo.Core.Data;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Report;
using LlamaDuo.Pipeline.Runs;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;
using LlamaDuo.Pipeline.Ui;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LlamaDuo.Pipeline.Tests.Ui;

/// <summary>
/// `llamaduo ui` end to end in headless Chromium: the runs page lists every run with its status and why a failed one
/// stopped; a run page open while the run advances (the test writes to the run store as the loop would) shows the new
/// round, the running stage's progress, the training loss and the stop reason without a reload, and links the
/// report's sections. Also measures the update latency (store write to drawn page) at the default poll.
/// </summary>
public class RunsUiBrowserTests(ITestOutputHelper output)
{
    static ScoreSummary Scores(double mean) => new(20, mean, mean, 5, mean - 2, mean + 2, 90, mean);

    static RoundMetrics Round(int round, double mean, bool passed = false) =>
        new(round, 80 + 100 * round, 20, round == 0 ? 0 : 100, round == 0 ? 0 : 7, Scores(mean), Scores(mean + 1), passed, passed ? "pass" : "below threshold: synthesize");

    [Fact]
    public async Task Runs_page_and_a_live_run_page_follow_the_run_store_without_reload()
    {
        HeadlessChromium.AssertInstalled();
        using var dir = new TempDir();
        using var live = RunStore.Create(new RunFolder(Path.Combine(dir.Path, "20261207-030000-live")), "story-qa");
        live.SetStatus(RunStatus.Running);
        live.AddRows(RunStore.TestSplit, [new CoverageRow(ChatExample.FromPair("t0", "Q", "A"), new RowProvenance("f", 1))]);
        live.RecordRound(Round(0, 61.5));
        using (var failed = RunStore.Create(new RunFolder(Path.Combine(dir.Path, "20261207-020000-broken")), "classify"))
            failed.SetStatus(RunStatus.Failed, "the service at http://127.0.0.1:9/v1 refused every call (fix the cause, then continue with --resume)");

        await using var ui = await RunsUi.StartAsync(new UiOptions { Root = dir.Path, Port = 0 });
        Assert.True(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(ui.Url.Host)));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var outside = new List<string>();
        page.Request += (_, r) => { if (!r.Url.StartsWith(ui.Url.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)) outside.Add(r.Url); };

        // The runs page: both runs, the failed one saying why.
        await page.GotoAsync(ui.Url.AbsoluteUri);
        await page.WaitForSelectorAsync("#runs tr[data-run='20261207-020000-broken']");
        Assert.Contains("refused every call", await page.InnerTextAsync("#runs tr[data-run='20261207-020000-broken']"));
        Assert.Contains("running", await page.InnerTextAsync("#runs tr[data-run='20261207-030000-live']"));

        // The live run's page, then the run advances while it is open.
        await page.ClickAsync("#runs tr[data-run='20261207-030000-live'] a");
        await page.WaitForSelectorAsync("#rounds tr[data-round='0']");
        await page.EvaluateAsync("() => { window.openedOnce = 42; }");
        Assert.Equal(0, await page.Locator("#rounds tr[data-round='1']").CountAsync());

        live.TryStartStage(1, "synth");
        live.CompleteStage(1, "synth");
        live.TryStartStage(1, "train");
        live.RecordLosses(Enumerable.Range(1, 30).Select(s => new LossPoint(1, s, 2.0 / s)));
        new RunProgressWriter(live.Folder).Report(1, "train", 30, 120, "loss 0.0667, 1400 tokens/s");
        await page.WaitForSelectorAsync("progress");
        Assert.Contains("30/120", await page.InnerTextAsync("#progress"));
        Assert.Contains("round 1 · train running", await page.InnerTextAsync("#progress"));
        Assert.Equal(1, await page.Locator("#loss-svg polyline[data-round='1']").CountAsync());

        live.CompleteStage(1, "train");
        live.RecordRound(Round(1, 88.2));
        live.SetStatus(RunStatus.Stopped, "budget: max_rounds 2 reached");
        await page.WaitForSelectorAsync("#rounds tr[data-round='1']");
        Assert.Contains("88.2", await page.InnerTextAsync("#rounds tr[data-round='1']"));
        await page.WaitForFunctionAsync("() => document.getElementById('why').textContent.includes('max_rounds 2')");
        Assert.Equal("Stopped: budget: max_rounds 2 reached", (await page.InnerTextAsync("#why")).Trim());
        Assert.Equal(42, await page.EvaluateAsync<int>("() => window.openedOnce")); // the same document: no reload

        // The report, once written, is linked by section and served read-only.
        RunReport.Write(live);
        await page.WaitForSelectorAsync("#report a[href$='#examples']");
        var cost = await page.GetAttributeAsync("#report a[href$='#cost']", "href");
        var response = await page.GotoAsync(new Uri(ui.Url, cost!).AbsoluteUri);
        Assert.Equal(200, response!.Status);
        Assert.Equal(1, await page.Locator("section#cost").CountAsync());

        // Read-only: nothing but GET is served.
        using var http = new HttpClient { BaseAddress = ui.Url };
        Assert.Equal(405, (int)(await http.PostAsync("/runs/20261207-030000-live", new StringContent(""))).StatusCode);
        Assert.Equal(404, (int)(await http.GetAsync("/runs/..%2F..%2Fetc/events")).StatusCode);
        Assert.Empty(outside);

        // Update latency at the default poll (500 ms): store write to drawn page, ten writes.
        await page.GotoAsync(new Uri(ui.Url, "/runs/20261207-030000-live").AbsoluteUri);
        await page.WaitForSelectorAsync("#rounds tr[data-round='1']");
        var latencies = new List<double>();
        for (var r = 2; r < 12; r++)
        {
            var before = await page.EvaluateAsync<string>("() => document.body.dataset.updated");
            var written = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            live.RecordRound(Round(r, 60 + r));
            await page.WaitForSelectorAsync($"#rounds tr[data-round='{r}']");
            var drawn = long.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.updated"));
            latencies.Add(drawn - written);
            Assert.NotEqual(before, drawn.ToString());
        }
        latencies.Sort();
        output.WriteLine($"ui update latency over {latencies.Count} writes: median {latencies[latencies.Count / 2]:0} ms, min {latencies[0]:0} ms, max {latencies[^1]:0} ms (poll 500 ms)");
    }
}
