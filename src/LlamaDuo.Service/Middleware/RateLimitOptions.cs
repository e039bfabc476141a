namespace LlamaDuo.Service.Middleware;

/// <summary>Limits for <see cref="RateLimitingChatClient"/>; 0 means no limit of that kind.</summary>
public sealed record RateLimitOptions(int RequestsPerMinute, int TokensPerMinute, int MaxConcurrency);
