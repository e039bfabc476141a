namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>Finds files of the repository from a test's bin folder.</summary>
static class RepoPaths
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LlamaDuo.slnx"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("LlamaDuo.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Quickstart(string file) => Path.Combine(Root, "examples", "quickstart", file);

    /// <summary>A fresh temporary folder, deleted at dispose.</summary>
    public sealed class Temp : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("llamaduo-test-").FullName;
        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
