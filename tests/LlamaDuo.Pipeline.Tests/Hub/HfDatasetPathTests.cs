using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;

namespace LlamaDuo.Pipeline.Tests.Hub;

/// <summary>
/// data.path: hf:owner/name reads a dataset from the Hugging Face hub cache. Here the cache is filled the way
/// huggingface_hub fills it and the endpoint is a closed loopback port, so an existing cache is reused offline.
/// (Downloads against a hub server are tested in LlamaDuo.Torch.Tests/Hub.)
/// </summary>
public sealed class HfDatasetPathTests : IDisposable
{
    private readonly TempDir dir = new();

    public HfDatasetPathTests()
    {
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", Path.Combine(dir.Path, "hub"));
        Environment.SetEnvironmentVariable("HF_ENDPOINT", "http://127.0.0.1:9");   // discard port: nothing listens
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", null);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", null);
        dir.Dispose();
    }

    [Fact]
    public void A_cached_hub_dataset_loads_its_rows_when_the_hub_is_unreachable()
    {
        const string commit = "0123456789abcdef0123456789abcdef01234567";
        var repo = Path.Combine("hub", "datasets--org--chat-data");
        dir.File(Path.Combine(repo, "refs", "main"), commit);
        var blob = dir.File(Path.Combine(repo, "blobs", "abc123"), """
            {"messages": [{"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Hello."}]}
            """);
        var linked = Path.Combine(dir.Path, repo, "snapshots", commit, "data", "train.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(linked)!);
        File.CreateSymbolicLink(linked, Path.GetRelativePath(Path.GetDirectoryName(linked)!, blob));

        var set = CoverageLoader.Load(new DataOptions { Path = "hf:org/chat-data", Columns = new ColumnMapping() });
        Assert.Equal("Hello.", Assert.Single(set.Rows).Example.Response);
    }

    [Fact]
    public void An_uncached_hub_dataset_with_no_hub_is_an_input_error_naming_it()
    {
        var e = Assert.Throws<InputException>(() => CoverageLoader.Load(new DataOptions { Path = "hf:org/absent", Columns = new ColumnMapping() }));
        Assert.Contains("hf:org/absent", e.Message);
    }

    [Fact]
    public void Config_load_keeps_hub_references_instead_of_making_them_paths()
    {
        var yaml = File.ReadAllText(FindQuickstartConfig())
            .Replace("path: coverage.jsonl", "path: hf:org/chat-data@v1")
            .Replace("model: stories15m", "model: hf:org/tiny-llama");
        var config = LlamaDuoConfig.Load(dir.File("config.yaml", yaml));
        Assert.Equal("hf:org/chat-data@v1", config.Data.Path);
        Assert.Equal("hf:org/tiny-llama", config.Student.Model);
    }

    static string FindQuickstartConfig()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var f = Path.Combine(d.FullName, "examples", "quickstart", "config.yaml");
            if (File.Exists(f)) return f;
        }
        throw new FileNotFoundException("examples/quickstart/config.yaml");
    }
}
