namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// One service-LLM call, for the cost ledger. <see cref="Id"/> must identify the call across resumes (for example
/// the request hash plus an attempt tag) so recording it twice counts it once. Cached calls cost 0 dollars.
/// <see cref="BatchId"/> names the provider batch that answered the call (batch mode), else null.
/// </summary>
public sealed record CallRecord(string Id, int Round, string Stage, string Provider, string Model,
    long InputTokens, long OutputTokens, double Dollars, double LatencyMs, string Status, bool Cached, DateTimeOffset At,
    string? BatchId = null);
