namespace LlamaDuo.Pipeline.Ui;

/// <summary>The two pages (runs.html, run.html, embedded): static shells whose scripts draw the snapshots the event streams send.</summary>
static class UiPages
{
    public static string Runs { get; } = Read("ui/runs.html");

    public static string Run { get; } = Read("ui/run.html");

    static string Read(string name)
    {
        using var stream = typeof(UiPages).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
