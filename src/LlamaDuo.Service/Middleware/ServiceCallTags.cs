using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Middleware;

/// <summary>
/// Keys our middleware reads from <see cref="ChatOptions.AdditionalProperties"/> and writes to
/// <see cref="ChatResponse.AdditionalProperties"/>. All start with "llamaduo." and are stripped before the provider
/// sees the options.
/// </summary>
public static class ServiceCallTags
{
    /// <summary>The pipeline stage a call belongs to ("judge", "synth"...): the ledger totals by it.</summary>
    public const string Stage = "llamaduo.stage";

    /// <summary>
    /// Extra text mixed into the cache key only (never sent): makes otherwise identical calls distinct, e.g. the M
    /// rounds of one judgement ("round-3").
    /// </summary>
    public const string CacheVariant = "llamaduo.cache_variant";

    /// <summary>Retries allowed for this one call, instead of the client's setting (the preflight check wants an answer fast).</summary>
    public const string MaxRetries = "llamaduo.max_retries";

    /// <summary>On a response: true when it came from the cache.</summary>
    public const string CacheHit = "llamaduo.cache_hit";

    /// <summary>On a response: how many attempts the retry layer made.</summary>
    public const string Attempts = "llamaduo.attempts";

    /// <summary>Options carrying a stage label (a copy when <paramref name="options"/> is given).</summary>
    public static ChatOptions WithStage(this ChatOptions? options, string stage) => options.WithTag(Stage, stage);

    /// <summary>Options carrying a cache variant (a copy when <paramref name="options"/> is given).</summary>
    public static ChatOptions WithCacheVariant(this ChatOptions? options, string variant) => options.WithTag(CacheVariant, variant);

    /// <summary>Options allowing <paramref name="retries"/> retries for the call (a copy when <paramref name="options"/> is given).</summary>
    public static ChatOptions WithMaxRetries(this ChatOptions? options, int retries) =>
        options.WithTag(MaxRetries, retries.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The per-call retry limit on these options, or null.</summary>
    public static int? MaxRetriesOf(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(MaxRetries, out var r) == true && r is string s
            && int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The stage label on these options, or "unlabelled".</summary>
    public static string StageOf(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Stage, out var s) == true && s is string stage ? stage : "unlabelled";

    /// <summary>The options without our tags: what the provider is sent.</summary>
    public static ChatOptions? WithoutTags(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } props || !props.Keys.Any(IsOurs)) return options;
        var copy = options.Clone();
        copy.AdditionalProperties = new AdditionalPropertiesDictionary(props.Where(p => !IsOurs(p.Key)));
        if (copy.AdditionalProperties.Count == 0) copy.AdditionalProperties = null;
        return copy;
    }

    static ChatOptions WithTag(this ChatOptions? options, string key, string value)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        copy.AdditionalProperties = copy.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(copy.AdditionalProperties);
        copy.AdditionalProperties[key] = value;
        return copy;
    }

    static bool IsOurs(string key) => key.StartsWith("llamaduo.", StringComparison.Ordinal);
}
