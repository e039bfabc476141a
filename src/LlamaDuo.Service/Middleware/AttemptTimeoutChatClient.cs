using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Middleware;

/// <summary>
/// Gives each request on the wire <paramref name="timeout"/> to finish, then cancels it and throws
/// <see cref="TimeoutException"/> (which the retry layer treats as transient). It sits inside the rate limiter so
/// time spent queueing for a permit never counts against an attempt.
/// </summary>
public sealed class AttemptTimeoutChatClient(IChatClient inner, TimeSpan timeout) : DelegatingChatClient(inner)
{
    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            return await base.GetResponseAsync(messages, options, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && timer.IsCancellationRequested)
        {
            throw new TimeoutException($"no response within {timeout.TotalSeconds:0.###} s", e);
        }
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamingAdapter.FromResponseAsync(GetResponseAsync(messages, options, cancellationToken));
}
