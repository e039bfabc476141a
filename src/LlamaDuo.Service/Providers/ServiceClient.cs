using LlamaDuo.Service.Cache;
using LlamaDuo.Service.Ledger;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Providers;

/// <summary>
/// A ready service LLM: <see cref="Chat"/> is the full middleware stack (ledger, cache, logging, retries, limits,
/// provider). Disposing it closes the HTTP client, and the cache and ledger when the factory opened them.
/// </summary>
public sealed class ServiceClient(IChatClient chat, ServiceOptions options, CallLedger ledger, ResponseCache? cache, Action onDispose) : IDisposable
{
    /// <summary>The client stages call.</summary>
    public IChatClient Chat { get; } = chat;

    /// <summary>The resolved options this client was built from.</summary>
    public ServiceOptions Options { get; } = options;

    /// <summary>Every call made through <see cref="Chat"/> (shared when the caller passed one in).</summary>
    public CallLedger Ledger { get; } = ledger;

    /// <summary>The response cache, or null when caching is off.</summary>
    public ResponseCache? Cache { get; } = cache;

    /// <inheritdoc/>
    public void Dispose()
    {
        Chat.Dispose();
        onDispose();
    }
}
