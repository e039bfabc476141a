using System.Diagnostics;
using LlamaDuo.Pipeline.Report;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LlamaDuo.Pipeline.Tests.Report;

/// <summary>
/// The report's "Every example" section in real headless Chromium: worst first, change since the previous round,
/// the round / passed-failed / text filters, the detail of one prompt (every answer and judge call), synthetic rows
/// with their dedup decisions, and a hostile answer that stays text. Scores come from <see cref="ExamplesFixture.Score"/>.
/// </summary>
public class ExamplesBrowserTests(ITestOutputHelper output)
{
    static async Task<(IPlaywright, IBrowser, IPage, List<string>)> OpenAsync(string report)
    {
        HeadlessChromium.AssertInstalled();
        var playwright = await Playwright.CreateAsync();
        var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 900 } });
        var requested = new List<string>();
        page.Request += (_, r) => requested.Add(r.Url);
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file://", StringComparison.Ordinal)) await route.ContinueAsync();
            else await route.AbortAsync();
        });
        await page.GotoAsync(new Uri(report).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load, Timeout = 120_000 });
        await page.WaitForSelectorAsync("body[data-examples-ready='true']", new() { Timeout = 120_000 });
        return (playwright, browser, page, requested);
    }

    [Fact]
    public async Task Examples_sort_filter_search_and_show_every_judge_call()
    {
        using var dir = new TempDir();
        using var store = ExamplesFixture.Create(dir.Path, prompts: 12, samples: 2, judgeCalls: 3, rounds: 2, syntheticRows: 10);
        var report = RunReport.Write(store);
        var (playwright, browser, page, requested) = await OpenAsync(report);
        using var _ = playwright;
        await using var __ = browser;

        // Round 1 (the last) first: prompt 0 is the worst (50 + 2), and it rose 10 points since round 0.
        var first = page.Locator("#ex-table tbody tr.ex-row").First;
        Assert.Equal("t0000", await first.GetAttributeAsync("data-prompt"));
        Assert.Equal("+10.0", (await first.Locator("td.ex-change").InnerTextAsync()).Trim());
        Assert.Equal("12 of 12 prompts", await page.InnerTextAsync("#ex-count"));

        // Coverage threshold 80: six prompts fail in round 1, eight in round 0.
        await page.SelectOptionAsync("#ex-filter", "failed");
        Assert.Equal("6 of 6 prompts", await page.InnerTextAsync("#ex-count"));
        await page.SelectOptionAsync("#ex-round", "0");
        Assert.Equal("8 of 8 prompts", await page.InnerTextAsync("#ex-count"));
        Assert.Equal("", (await page.Locator("#ex-table td.ex-change").First.InnerTextAsync()).Trim()); // no round before round 0
        await page.SelectOptionAsync("#ex-round", "1");
        await page.SelectOptionAsync("#ex-filter", "all");

        // Search finds prompt 1 by its order number; its detail shows both answers, three calls each, and the hostile answer as text.
        await page.FillAsync("#ex-search", "order 7919");
        Assert.Equal("1 of 1 prompts", await page.InnerTextAsync("#ex-count"));
        await page.ClickAsync("#ex-table tr.ex-row");
        var detail = page.Locator(".ex-detail");
        Assert.Contains(ExamplesFixture.Hostile, await detail.InnerTextAsync());
        Assert.Equal(2, await detail.Locator("table.ex-calls").CountAsync());
        Assert.Equal(2 * 4, await detail.Locator("table.ex-calls tr").CountAsync()); // a heading row and three calls each
        Assert.Contains("drops the second move (round 1, sample 1)", await detail.InnerTextAsync());
        Assert.Null(await page.EvaluateAsync<object?>("() => window.pwned ?? null"));

        // Synthetic rows of round 1: two of ten dropped as near duplicates, each naming the row it collided with.
        Assert.Equal("10 of 10 rows", await page.InnerTextAsync("#sx-count"));
        await page.SelectOptionAsync("#sx-filter", "dropped");
        Assert.Equal("2 of 2 rows", await page.InnerTextAsync("#sx-count"));
        Assert.Contains("dropped: NearDuplicate (with synth-r01-0003, 0.97)", await page.InnerTextAsync("#sx-table"));
        Assert.Contains("train-4, train-11", await page.InnerTextAsync("#sx-table"));

        Assert.Single(requested); // the report file itself; nothing fetched
    }

    [Fact]
    [Trait("Category", "Bench")]
    public async Task Thousand_prompts_four_answers_ten_judge_calls_size_and_load_time()
    {
        using var dir = new TempDir();
        using var store = ExamplesFixture.Create(dir.Path, prompts: 1000, samples: 4, judgeCalls: 10, rounds: 2, syntheticRows: 1000);
        var watch = Stopwatch.StartNew();
        var report = RunReport.Write(store);
        var write = watch.Elapsed.TotalSeconds;
        var bytes = new FileInfo(report).Length;
        watch.Restart();
        var (playwright, browser, page, _) = await OpenAsync(report);
        var load = watch.Elapsed.TotalSeconds;
        using var pw = playwright;
        await using var b = browser;
        watch.Restart();
        await page.FillAsync("#ex-search", "order 7919");
        await page.WaitForFunctionAsync("() => document.getElementById('ex-count').textContent.startsWith('1 of')");
        var search = watch.Elapsed.TotalSeconds;
        var nodes = await page.EvaluateAsync<int>("() => document.getElementsByTagName('*').length");
        output.WriteLine($"report.html {bytes / 1e6:0.00} MB, written in {write:0.0} s, loaded and drawn in Chromium in {load:0.00} s, search {search:0.00} s, {nodes} DOM nodes");
        Assert.True(nodes < 5000, $"{nodes} DOM nodes: the section must draw one page at a time");
    }
}
