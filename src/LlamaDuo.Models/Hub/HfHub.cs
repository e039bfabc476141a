using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Hub;

/// <summary>
/// Fetches <c>hf:owner/name[@revision]</c> repositories from the Hugging Face hub (or any server with its endpoints)
/// into the standard hub cache, downloading only the files a model or a dataset needs, and returns the snapshot
/// folder. Files already in the snapshot are not fetched again. The token goes only into the Authorization header.
/// </summary>
public sealed class HfHub : IDisposable
{
    /// <summary>The public hub, used when $HF_ENDPOINT is unset.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    private readonly HttpClient http;
    private readonly TextWriter? log;

    /// <summary>A client for <paramref name="endpoint"/>, caching into <paramref name="cache"/>.</summary>
    public HfHub(string endpoint, string? token, HfCacheLayout cache, TextWriter? log = null, HttpMessageHandler? handler = null)
    {
        Endpoint = endpoint.TrimEnd('/');
        Cache = cache;
        this.log = log;
        http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.Timeout = TimeSpan.FromMinutes(30);
        http.DefaultRequestHeaders.UserAgent.ParseAdd("llamaduo-dotnet/1.0");
        // HttpClient drops this header when the hub redirects to its CDN, so the token never leaves the endpoint.
        if (!string.IsNullOrEmpty(token)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The hub's base URL, without a trailing slash.</summary>
    public string Endpoint { get; }

    /// <summary>The cache files go into.</summary>
    public HfCacheLayout Cache { get; }

    /// <summary>When true (HF_HUB_OFFLINE=1), nothing is requested: references resolve from the cache alone.</summary>
    public bool Offline { get; init; }

    /// <summary>A client configured from $HF_ENDPOINT, $HF_TOKEN (or $HUGGING_FACE_HUB_TOKEN) and the hub cache variables.</summary>
    public static HfHub FromEnvironment(TextWriter? log = null)
    {
        var endpoint = Environment.GetEnvironmentVariable("HF_ENDPOINT");
        var token = Environment.GetEnvironmentVariable("HF_TOKEN");
        if (string.IsNullOrEmpty(token)) token = Environment.GetEnvironmentVariable("HUGGING_FACE_HUB_TOKEN");
        var offline = Environment.GetEnvironmentVariable("HF_HUB_OFFLINE") is "1" or "true" or "TRUE" or "yes";
        return new HfHub(string.IsNullOrEmpty(endpoint) ? DefaultEndpoint : endpoint, token, HfCacheLayout.FromEnvironment(), log) { Offline = offline };
    }

    /// <summary>True for the files a model folder needs: configs, tokenizer files and safetensors weights (+ index).</summary>
    public static bool IsModelFile(string file) =>
        file is "config.json" or "generation_config.json" or "tokenizer.json" or "tokenizer_config.json" or "special_tokens_map.json"
            or "model.safetensors.index.json"
        || (!file.Contains('/') && file.EndsWith(".safetensors", StringComparison.Ordinal));

    /// <summary>True for the data files of a dataset repository: Parquet and JSON Lines.</summary>
    public static bool IsDatasetFile(string file) =>
        file.EndsWith(".parquet", StringComparison.Ordinal) || file.EndsWith(".jsonl", StringComparison.Ordinal);

    /// <summary>Downloads the model files of <paramref name="reference"/> (<c>hf:owner/name[@rev]</c>); returns the snapshot folder.</summary>
    public Task<string> DownloadModelAsync(string reference, CancellationToken ct = default) =>
        SnapshotAsync(HfReference.Parse(reference, "model"), HfRepoKind.Model, IsModelFile, ct);

    /// <summary>Downloads the Parquet/JSONL files of dataset <paramref name="reference"/>; returns the snapshot folder.</summary>
    public Task<string> DownloadDatasetAsync(string reference, CancellationToken ct = default) =>
        SnapshotAsync(HfReference.Parse(reference, "data.path"), HfRepoKind.Dataset, IsDatasetFile, ct);

    /// <summary>Brings the files of <paramref name="reference"/> that <paramref name="wanted"/> accepts into the cache.</summary>
    public async Task<string> SnapshotAsync(HfReference reference, HfRepoKind kind, Func<string, bool> wanted, CancellationToken ct = default)
    {
        var info = Offline ? null : await RevisionInfoAsync(reference, kind, ct);
        if (info is null) return OfflineSnapshot(reference, kind);
        var files = info.Files.Where(f => wanted(f.Path)).ToList();
        if (files.Count == 0)
            throw new InputException($"the repository has none of the files needed ({string.Join(", ", info.Files.Take(8).Select(f => f.Path))})", field: "reference", value: reference.ToString());

        var snapshot = Cache.SnapshotFolder(kind, reference, info.Commit);
        foreach (var file in files)
        {
            var target = Path.Combine(snapshot, file.Path);
            if (!Path.GetFullPath(target).StartsWith(Path.GetFullPath(snapshot) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InputException("repository lists a file outside its folder", field: "reference", value: file.Path);
            if (File.Exists(target)) continue;
            var blob = Cache.BlobFile(kind, reference, file.Etag);
            if (!File.Exists(blob))
            {
                // One process at a time per blob; the lock is an flock, as Python's filelock takes, on the same path.
                using var held = await LockAsync(Cache.LockFile(kind, reference, file.Etag), ct);
                if (!File.Exists(blob))
                {
                    log?.WriteLine($"hf: downloading {reference.RepoId}/{file.Path} ({file.Size?.ToString() ?? "?"} bytes)");
                    await HfBlobDownload.FetchAsync(http, FileUrl(reference, kind, info.Commit, file.Path), blob, file.Size, file.Sha256, log, ct);
                }
            }
            Link(blob, target);
        }
        if (!HfCacheLayout.LooksLikeCommit(reference.Revision) || reference.Revision != info.Commit)
        {
            var refFile = Cache.RefFile(kind, reference);
            Directory.CreateDirectory(Path.GetDirectoryName(refFile)!);
            File.WriteAllText(refFile, info.Commit);
        }
        return snapshot;
    }

    /// <summary>The download URL of one file at one commit.</summary>
    public Uri FileUrl(HfReference reference, HfRepoKind kind, string commit, string file) =>
        new($"{Endpoint}/{(kind == HfRepoKind.Dataset ? "datasets/" : "")}{reference.RepoId}/resolve/{commit}/{EscapePath(file)}");

    private async Task<HfRevisionInfo?> RevisionInfoAsync(HfReference reference, HfRepoKind kind, CancellationToken ct)
    {
        var url = $"{Endpoint}/api/{(kind == HfRepoKind.Dataset ? "datasets" : "models")}/{reference.RepoId}/revision/{Uri.EscapeDataString(reference.Revision)}?blobs=true";
        HttpResponseMessage response;
        try { response = await http.GetAsync(url, ct); }
        catch (HttpRequestException e) when (Cache.RecordedCommit(kind, reference) is not null)
        {
            log?.WriteLine($"hf: {Endpoint} unreachable ({e.Message}); using the cached snapshot");
            return null;
        }
        catch (HttpRequestException e)
        {
            throw new InputException($"cannot reach {Endpoint} ({e.Message}) and the repository is not in the cache at {Cache.Root}", field: "reference", value: reference.ToString(), inner: e);
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw new InputException($"{kind.ToString().ToLowerInvariant()} repository or revision not found on {Endpoint} (HTTP {(int)response.StatusCode}); a private or gated repository needs HF_TOKEN",
                    field: "reference", value: reference.ToString());
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct);
            return HfRevisionInfo.Parse(json.RootElement, reference);
        }
    }

    private string OfflineSnapshot(HfReference reference, HfRepoKind kind)
    {
        var commit = Cache.RecordedCommit(kind, reference);
        var snapshot = commit is null ? null : Cache.SnapshotFolder(kind, reference, commit);
        if (snapshot is null || !Directory.Exists(snapshot))
            throw new InputException($"offline or hub unreachable, and {reference} is not in the cache at {Cache.Root}", field: "reference", value: reference.ToString());
        return snapshot;
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) { await Task.Delay(100, ct); }
        }
    }

    // Snapshots hold relative symlinks into blobs/, as huggingface_hub writes them; a copy where links are refused.
    // The link (or copy) is made under a unique name and renamed over the target, so two processes linking the same
    // file at once each leave a whole link and neither sees the other's half-made one.
    internal static void Link(string blob, string target)
    {
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try { File.CreateSymbolicLink(temp, Path.GetRelativePath(folder, blob)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { File.Copy(blob, temp); }
        try { File.Move(temp, target, overwrite: true); }
        catch { File.Delete(temp); throw; }
    }

    private static string EscapePath(string file) => string.Join('/', file.Split('/').Select(Uri.EscapeDataString));

    /// <inheritdoc/>
    public void Dispose() => http.Dispose();
}
