using System.Text;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Hub;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Model;
using LlamaDuo.Torch.Tests.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Hub;

/// <summary>
/// hf:owner/name against a loopback server with the hub's endpoints: the cache layout, no second download, resume
/// after a cut transfer, the token, and errors. Tests in one class run one at a time, so the HF_* variables are safe.
/// </summary>
public sealed class HfHubTests : IDisposable
{
    const string Token = "hf_test_secret_token_5c1e";
    private readonly string root = Directory.CreateTempSubdirectory("llamaduo-hub-").FullName;
    private readonly HubTestServer server = new();
    private readonly string repoFolder;
    private readonly LlamaForCausalLM original;

    public HfHubTests()
    {
        repoFolder = Path.Combine(root, "repo");
        using (no_grad())
        {
            original = new LlamaForCausalLM(TinyConfigs.Get("gqa"));
            original.InitRandom(seed: 11);
            HfFolderWriter.Write(original, repoFolder);
        }
        File.WriteAllText(Path.Combine(repoFolder, "tokenizer.json"), """
            {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "bb": 3, "abb": 4, "Ġ": 5}, "merges": ["b b", "a b", "a bb"]},
             "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
             "decoder": {"type": "ByteLevel"}, "added_tokens": [{"id": 6, "content": "</s>", "special": true}]}
            """);
        File.WriteAllText(Path.Combine(repoFolder, "README.md"), "not needed by a model; must not be downloaded");
        server.AddRepo("models/tiny-org/tiny-llama", repoFolder);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", Path.Combine(root, "cache"));
        Environment.SetEnvironmentVariable("HF_TOKEN", Token);
    }

    public void Dispose()
    {
        foreach (var name in new[] { "HF_ENDPOINT", "HF_HUB_CACHE", "HF_TOKEN" }) Environment.SetEnvironmentVariable(name, null);
        server.Dispose();
        original.Dispose();
        Directory.Delete(root, recursive: true);
    }

    string CacheRepo => Path.Combine(root, "cache", "models--tiny-org--tiny-llama");

    [Fact]
    public void First_load_fills_the_hub_cache_layout_and_the_second_downloads_nothing()
    {
        using (var model = ModelLoader.Load("hf:tiny-org/tiny-llama"))
        {
            using var _ = no_grad();
            using var ids = tensor(new long[] { 1, 5, 9, 33 }).view(1, 4);
            Assert.True(original.forward(ids).eq(model.Module.forward(ids)).all().item<bool>(), "downloaded weights differ");
        }
        var commit = File.ReadAllText(Path.Combine(CacheRepo, "refs", "main"));
        var snapshot = Path.Combine(CacheRepo, "snapshots", commit);
        var config = new FileInfo(Path.Combine(snapshot, "config.json"));
        Assert.NotNull(config.LinkTarget);   // a relative link into blobs/, as huggingface_hub makes
        Assert.StartsWith(Path.Combine(CacheRepo, "blobs"), Path.GetFullPath(Path.Combine(snapshot, config.LinkTarget!)));
        Assert.False(File.Exists(Path.Combine(snapshot, "README.md")));
        Assert.Equal(["config.json", "model.safetensors", "tokenizer.json"], server.FileRequests.Select(p => p.Split('/')[^1]).Order());
        Assert.Empty(Directory.EnumerateFiles(CacheRepo, "*.incomplete", SearchOption.AllDirectories));

        int before = server.FileRequests.Count();
        using (ModelLoader.Load("hf:tiny-org/tiny-llama")) { }
        Assert.Equal(before, server.FileRequests.Count());
    }

    [Fact]
    public async Task A_cut_transfer_resumes_with_a_range_request_and_the_blob_is_identical()
    {
        var weights = File.ReadAllBytes(Path.Combine(repoFolder, "model.safetensors"));
        server.DropOnce = ("model.safetensors", weights.Length / 2);
        using var hub = HfHub.FromEnvironment();
        var snapshot = await hub.DownloadModelAsync("hf:tiny-org/tiny-llama@main");

        var ranges = server.Requests.Where(r => r.Path.EndsWith("model.safetensors")).Select(r => r.Range).ToList();
        Assert.Equal([null, $"bytes={weights.Length / 2}-"], ranges);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public async Task A_leftover_partial_file_is_continued_not_restarted()
    {
        var weights = File.ReadAllBytes(Path.Combine(repoFolder, "model.safetensors"));
        var etag = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(weights));
        Directory.CreateDirectory(Path.Combine(CacheRepo, "blobs"));
        File.WriteAllBytes(Path.Combine(CacheRepo, "blobs", etag + ".incomplete"), weights[..1000]);
        using var hub = HfHub.FromEnvironment();
        var snapshot = await hub.DownloadModelAsync("hf:tiny-org/tiny-llama");
        Assert.Equal(["bytes=1000-"], server.Requests.Where(r => r.Path.EndsWith("model.safetensors")).Select(r => r.Range));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public async Task The_token_reaches_the_server_as_bearer_and_is_written_nowhere()
    {
        var log = new StringWriter();
        using (var hub = HfHub.FromEnvironment(log)) await hub.DownloadModelAsync("hf:tiny-org/tiny-llama");
        Assert.NotEmpty(server.Requests);
        Assert.All(server.Requests, r => Assert.Equal($"Bearer {Token}", r.Authorization));
        Assert.DoesNotContain(Token, log.ToString());
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "cache"), "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(Token, Encoding.UTF8.GetString(File.ReadAllBytes(file)));
    }

    [Fact]
    public async Task Offline_mode_serves_the_cached_snapshot_without_any_request()
    {
        string first;
        using (var hub = HfHub.FromEnvironment()) first = await hub.DownloadModelAsync("hf:tiny-org/tiny-llama");
        int before = server.Requests.Count;
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        try
        {
            using var hub = HfHub.FromEnvironment();
            Assert.Equal(first, await hub.DownloadModelAsync("hf:tiny-org/tiny-llama"));
            Assert.Equal(before, server.Requests.Count);
            var e = await Assert.ThrowsAsync<InputException>(() => hub.DownloadModelAsync("hf:tiny-org/never-fetched"));
            Assert.Contains("hf:tiny-org/never-fetched", e.Message);
        }
        finally { Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", null); }
    }

    [Fact]
    public async Task Several_clients_fetching_at_once_download_each_file_once_and_link_it_whole()
    {
        // Six at once so that several reach the same snapshot link together (two made that race rare but real in CI).
        var hubs = Enumerable.Range(0, 6).Select(_ => HfHub.FromEnvironment()).ToList();
        string[] folders;
        try { folders = await Task.WhenAll(hubs.Select(h => Task.Run(() => h.DownloadModelAsync("hf:tiny-org/tiny-llama")))); }
        finally { hubs.ForEach(h => h.Dispose()); }
        Assert.All(folders, f => Assert.Equal(folders[0], f));
        Assert.Empty(Directory.EnumerateFiles(folders[0], "*.tmp", SearchOption.AllDirectories));
        Assert.Single(server.FileRequests, p => p.EndsWith("model.safetensors"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(repoFolder, "model.safetensors")), File.ReadAllBytes(Path.Combine(folders[0], "model.safetensors")));
    }

    [Fact]
    public void Linking_one_snapshot_file_from_many_threads_at_once_always_leaves_the_whole_file()
    {
        var blob = Path.Combine(root, "cache", "blobs-race", "abc");
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        File.WriteAllBytes(blob, Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray());
        var target = Path.Combine(root, "cache", "snapshot-race", "model.safetensors");
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 200; i++)
            {
                try { HfHub.Link(blob, target); Assert.Equal(4096, File.ReadAllBytes(target).Length); }
                catch (Exception e) { failures.Add(e); }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
        Assert.Equal(File.ReadAllBytes(blob), File.ReadAllBytes(target));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(Path.GetDirectoryName(target)!).Select(Path.GetFileName));
    }

    [Fact]
    public void A_sharded_checkpoint_comes_with_its_index_and_every_shard()
    {
        var shardedRepo = Path.Combine(root, "sharded");
        Directory.CreateDirectory(shardedRepo);
        foreach (var f in new[] { "config.json", "tokenizer.json" }) File.Copy(Path.Combine(repoFolder, f), Path.Combine(shardedRepo, f));
        var state = original.state_dict();
        var map = new System.Text.Json.Nodes.JsonObject();
        foreach (var group in state.Keys.GroupBy(k => k.Contains("layers.1.") ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors"))
        {
            TorchSharp.PyBridge.Safetensors.SaveStateDict(Path.Combine(shardedRepo, group.Key), group.ToDictionary(k => k, k => state[k]));
            foreach (var k in group) map[k] = group.Key;
        }
        File.WriteAllText(Path.Combine(shardedRepo, "model.safetensors.index.json"),
            new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["weight_map"] = map }.ToJsonString());
        server.AddRepo("models/tiny-org/sharded", shardedRepo);

        using var model = ModelLoader.Load("hf:tiny-org/sharded");
        using var _ = no_grad();
        using var ids = tensor(new long[] { 3, 1, 4, 1 }).view(1, 4);
        Assert.True(original.forward(ids).eq(model.Module.forward(ids)).all().item<bool>());
        Assert.Equal(5, server.FileRequests.Count(p => p.Contains("/tiny-org/sharded/")));
    }

    [Theory]
    [InlineData("hf:no-slash")]
    [InlineData("hf:a/b/c")]
    [InlineData("hf:owner/name@")]
    [InlineData("hf:../etc@main")]
    public void A_malformed_reference_is_an_input_error_naming_it(string reference)
    {
        var e = Assert.Throws<InputException>(() => ModelLoader.Load(reference));
        Assert.Contains(reference, e.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void A_missing_repository_is_an_input_error_naming_it()
    {
        var e = Assert.Throws<InputException>(() => ModelLoader.Load("hf:someone/missing@v2"));
        Assert.Contains("hf:someone/missing@v2", e.Message);
        Assert.Contains("404", e.Message);
    }

    [Fact]
    public async Task A_dataset_brings_only_its_parquet_and_jsonl_files_under_datasets_prefix()
    {
        var data = Path.Combine(root, "dataset");
        Directory.CreateDirectory(Path.Combine(data, "data"));
        File.WriteAllBytes(Path.Combine(data, "data", "train-00000-of-00001.parquet"), [.. "PAR1"u8, 1, 2, 3, .. "PAR1"u8]);
        File.WriteAllText(Path.Combine(data, "data", "extra.jsonl"), "{\"a\": 1}\n");
        File.WriteAllText(Path.Combine(data, "README.md"), "card");
        server.AddRepo("datasets/org/chat-data", data);
        using var hub = HfHub.FromEnvironment();
        var snapshot = await hub.DownloadDatasetAsync("hf:org/chat-data");
        Assert.StartsWith(Path.Combine(root, "cache", "datasets--org--chat-data", "snapshots"), snapshot);
        Assert.Equal(File.ReadAllBytes(Path.Combine(data, "data", "train-00000-of-00001.parquet")),
            File.ReadAllBytes(Path.Combine(snapshot, "data", "train-00000-of-00001.parquet")));
        Assert.True(File.Exists(Path.Combine(snapshot, "data", "extra.jsonl")));
        Assert.False(File.Exists(Path.Combine(snapshot, "README.md")));
        Assert.All(server.FileRequests, p => Assert.StartsWith("/datasets/org/chat-data/resolve/", p));
    }
}
