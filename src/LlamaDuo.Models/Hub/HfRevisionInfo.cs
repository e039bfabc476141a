using System.Text.Json;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Hub;

/// <summary>One file of a repository revision: its path, size, and the ETag the cache names its blob by.</summary>
internal sealed record HfRepoFile(string Path, long? Size, string Etag, string? Sha256);

/// <summary>What <c>/api/{models|datasets}/{repo}/revision/{rev}?blobs=true</c> says: the commit and its files.</summary>
internal sealed record HfRevisionInfo(string Commit, IReadOnlyList<HfRepoFile> Files)
{
    public static HfRevisionInfo Parse(JsonElement root, HfReference reference)
    {
        if (!root.TryGetProperty("sha", out var sha) || sha.GetString() is not { } commit || !HfCacheLayout.LooksLikeCommit(commit))
            throw new InputException("hub answer has no commit sha", field: "reference", value: reference.ToString());
        var files = new List<HfRepoFile>();
        if (root.TryGetProperty("siblings", out var siblings))
            foreach (var s in siblings.EnumerateArray())
            {
                var path = s.GetProperty("rfilename").GetString()!;
                long? size = s.TryGetProperty("size", out var sz) && sz.ValueKind == JsonValueKind.Number ? sz.GetInt64() : null;
                string? lfsSha = null;
                if (s.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object)
                {
                    lfsSha = lfs.TryGetProperty("sha256", out var h) ? h.GetString() : null;
                    if (lfs.TryGetProperty("size", out var ls) && ls.ValueKind == JsonValueKind.Number) size = ls.GetInt64();
                }
                // The hub's ETag for an LFS file is its sha256, for a plain git file its blob id: the cache's blob names.
                var etag = lfsSha ?? (s.TryGetProperty("blobId", out var b) ? b.GetString() : null);
                if (string.IsNullOrEmpty(etag) || etag.Contains('/') || etag.Contains(".."))
                    throw new InputException($"hub answer gives no usable blob id for {path}", field: "reference", value: reference.ToString());
                files.Add(new HfRepoFile(path, size, etag, lfsSha));
            }
        return new HfRevisionInfo(commit, files);
    }
}
