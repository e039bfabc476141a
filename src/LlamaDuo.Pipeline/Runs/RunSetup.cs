using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Runs;

/// <summary>Creates or reopens the run folder for a config: the folder, its run store (run.db or the shared database), and the resolved config.yaml.</summary>
internal static class RunSetup
{
    /// <summary>
    /// Opens <paramref name="runDir"/> when given (creating it if new), else a new folder under
    /// <paramref name="runsRoot"/> named by time and task. The resolved config is written on creation only: a resumed
    /// run keeps the config it started with.
    /// </summary>
    public static RunStore CreateOrOpen(LlamaDuoConfig config, string? runDir = null, string runsRoot = RunIndex.DefaultRoot)
    {
        var dir = runDir ?? Path.Combine(runsRoot, RunFolder.NewId(config.Task.Name, DateTimeOffset.UtcNow));
        var folder = new RunFolder(Path.GetFullPath(dir));
        var store = RunStore.Create(folder, config.Task.Name, config.Store.Location());
        if (!File.Exists(folder.ConfigPath)) config.Save(folder.ConfigPath);
        return store;
    }
}
