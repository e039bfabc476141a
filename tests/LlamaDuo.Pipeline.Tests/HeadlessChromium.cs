using Microsoft.Playwright;

namespace LlamaDuo.Pipeline.Tests;

/// <summary>
/// Debian's /usr/bin/chromium driven by Playwright's bundled driver (never `playwright install`), with the flags this
/// closed network needs: without the background-networking ones Chromium keeps opening refused connections.
/// </summary>
static class HeadlessChromium
{
    const string Path = "/usr/bin/chromium";

    static readonly string[] Args =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>Fails the test with the fix when Chromium is not installed.</summary>
    public static void AssertInstalled() =>
        Assert.True(File.Exists(Path), "Debian's chromium is missing: apt-get install -y chromium (test.sh does this)");

    /// <summary>Launches headless Chromium through <paramref name="playwright"/>.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = Path, Headless = true, Args = Args });
}
