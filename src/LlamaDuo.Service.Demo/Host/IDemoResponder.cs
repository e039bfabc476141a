using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>
/// Composes the demo service's answer to one chat request. The host asks each responder in turn; the first non-null
/// answer is sent. Null means "not a prompt I recognise". Responders must be deterministic and thread-safe.
/// </summary>
public interface IDemoResponder
{
    /// <summary>The assistant's reply text, or null when this responder does not recognise the prompt.</summary>
    string? TryRespond(IReadOnlyList<ChatMessage> messages);
}
