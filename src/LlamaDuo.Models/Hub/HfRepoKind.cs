namespace LlamaDuo.Models.Hub;

/// <summary>The kind of Hugging Face repository: it decides the API path, the download path and the cache folder prefix.</summary>
public enum HfRepoKind
{
    /// <summary>A model repository (<c>models--owner--name</c> in the cache).</summary>
    Model,

    /// <summary>A dataset repository (<c>datasets--owner--name</c> in the cache).</summary>
    Dataset,
}
