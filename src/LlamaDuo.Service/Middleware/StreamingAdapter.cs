using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Middleware;

/// <summary>
/// Streams a finished response as updates. Our middleware serves streaming calls this way so that retries,
/// caching and the ledger see whole responses; judge and synthesis calls never need tokens as they arrive.
/// </summary>
static class StreamingAdapter
{
    public static async IAsyncEnumerable<ChatResponseUpdate> FromResponseAsync(Task<ChatResponse> pending, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await pending.ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
    }
}
