namespace LlamaDuo.Core.Paths;

/// <summary>Where LlamaDuo keeps downloaded models: $LLAMADUO_CACHE, else $XDG_CACHE_HOME/llamaduo, else ~/.cache/llamaduo.</summary>
public static class CachePaths
{
    public static string Root
    {
        get
        {
            var explicitDir = Environment.GetEnvironmentVariable("LLAMADUO_CACHE");
            if (!string.IsNullOrEmpty(explicitDir)) return explicitDir;
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var baseDir = !string.IsNullOrEmpty(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(baseDir, "llamaduo");
        }
    }

    /// <summary>The cache folder for one model, created on demand.</summary>
    public static string ModelDir(string name)
    {
        var dir = Path.Combine(Root, "models", name);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
