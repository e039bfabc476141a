namespace LlamaDuo.Service.Providers;

/// <summary>The <c>service.limits</c> section: client-side rate limits so the provider never has to refuse us.</summary>
public sealed record ServiceLimits
{
    /// <summary>Requests per minute.</summary>
    public int Rpm { get; init; } = 500;

    /// <summary>Tokens (prompt + completion) per minute.</summary>
    public int Tpm { get; init; } = 200_000;

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 8;
}
