namespace LlamaDuo.Models.Hub;

/// <summary>
/// The Hugging Face hub cache layout, so caches filled by Python tools are reused and ours serve them:
/// <c>{root}/models--owner--name/{refs/REV, blobs/ETAG, snapshots/SHA/FILE}</c>.
/// </summary>
public sealed class HfCacheLayout(string root)
{
    /// <summary>The cache root: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.</summary>
    public string Root { get; } = root;

    /// <summary>The cache the environment names, as huggingface_hub resolves it.</summary>
    public static HfCacheLayout FromEnvironment()
    {
        var hubCache = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        if (!string.IsNullOrEmpty(hubCache)) return new HfCacheLayout(hubCache);
        var home = Environment.GetEnvironmentVariable("HF_HOME");
        if (string.IsNullOrEmpty(home))
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var cache = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            home = Path.Combine(cache, "huggingface");
        }
        return new HfCacheLayout(Path.Combine(home, "hub"));
    }

    /// <summary>The repository folder, e.g. <c>models--owner--name</c>.</summary>
    public string RepoFolder(HfRepoKind kind, HfReference reference) =>
        Path.Combine(Root, $"{(kind == HfRepoKind.Model ? "models" : "datasets")}--{reference.Owner}--{reference.Name}");

    /// <summary>The file holding the commit sha a revision (branch or tag) pointed to at the last download.</summary>
    public string RefFile(HfRepoKind kind, HfReference reference) => Path.Combine(RepoFolder(kind, reference), "refs", reference.Revision);

    /// <summary>The snapshot folder of one commit.</summary>
    public string SnapshotFolder(HfRepoKind kind, HfReference reference, string commit) =>
        Path.Combine(RepoFolder(kind, reference), "snapshots", commit);

    /// <summary>The content-addressed file of one ETag.</summary>
    public string BlobFile(HfRepoKind kind, HfReference reference, string etag) => Path.Combine(RepoFolder(kind, reference), "blobs", etag);

    /// <summary>The lock file guarding one blob's download, where huggingface_hub keeps its own (<c>.locks/</c>).</summary>
    public string LockFile(HfRepoKind kind, HfReference reference, string etag) =>
        Path.Combine(Root, ".locks", Path.GetFileName(RepoFolder(kind, reference)), etag + ".lock");

    /// <summary>The commit recorded for the reference's revision, or null when none was recorded.</summary>
    public string? RecordedCommit(HfRepoKind kind, HfReference reference)
    {
        if (LooksLikeCommit(reference.Revision)) return reference.Revision;
        var file = RefFile(kind, reference);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    /// <summary>True for a full 40-hex commit sha.</summary>
    public static bool LooksLikeCommit(string revision) => revision.Length == 40 && revision.All(Uri.IsHexDigit);
}
