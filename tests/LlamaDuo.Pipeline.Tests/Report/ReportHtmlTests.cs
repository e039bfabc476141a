using System.Text.RegularExpressions;
using LlamaDuo.Pipeline.Report;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Tests.Report;

public class ReportHtmlTests
{
    [Fact]
    public void Report_is_self_contained_and_has_every_figure_and_table()
    {
        using var dir = new TempDir();
        using var store = ReportFixture.Create(dir.Path);
        var path = RunReport.Write(store);
        var html = File.ReadAllText(path);
        foreach (var id in new[] { "scores", "coverage", "distribution", "synthetic", "loss", "cost" })
            Assert.Contains($"<figure data-figure=\"{id}\"><svg", html);
        // Inline scripts only (the examples section): none loaded from a file or URL, and none that fetches.
        Assert.DoesNotMatch(new Regex("<script[^>]*\\bsrc\\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("fetch(", html);
        Assert.DoesNotContain("XMLHttpRequest", html);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html);
        // The only URLs allowed are XML namespace names, which browsers never fetch.
        var urls = Regex.Matches(html, "(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}[^\"' )]*", RegexOptions.IgnoreCase).Select(m => m.Value)
            .Where(u => !u.StartsWith("http://www.w3.org/", StringComparison.Ordinal)).ToList();
        Assert.Empty(urls);
        Assert.Contains("PASS", html);
        Assert.Contains("round 2 passed", html);
        Assert.Contains("near-duplicate", html);
    }

    [Fact]
    public void Report_of_a_run_with_no_rounds_yet_says_so()
    {
        using var dir = new TempDir();
        using var store = RunStore.Create(new RunFolder(Path.Combine(dir.Path, "r")), "empty");
        var html = File.ReadAllText(RunReport.Write(store));
        Assert.Contains("No round has been recorded yet", html);
        Assert.DoesNotContain("<figure", html);
    }
}
