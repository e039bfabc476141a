using LlamaDuo.Service.Middleware;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Cache;

/// <summary>
/// Answers a call from <see cref="ResponseCache"/> when the same call (same <see cref="CacheKey"/>) was answered
/// before, so a rerun or a resume never pays twice; stores every new answer. Failed calls are not stored. A response
/// served from the cache carries <see cref="ServiceCallTags.CacheHit"/> = true.
/// </summary>
internal sealed class ResponseCachingChatClient(IChatClient inner, ResponseCache cache, string provider, string baseUrl, string model)
    : DelegatingChatClient(inner)
{
    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        var key = CacheKey.Compute(provider, baseUrl, model, list, options);
        if (cache.TryGet(key) is { } cached)
        {
            cached.AdditionalProperties ??= [];
            cached.AdditionalProperties[ServiceCallTags.CacheHit] = true;
            return cached;
        }
        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        cache.Put(key, provider, options?.ModelId ?? model, WithoutOurTags(response));
        return response;
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamingAdapter.FromResponseAsync(GetResponseAsync(messages, options, cancellationToken));

    static ChatResponse WithoutOurTags(ChatResponse response)
    {
        if (response.AdditionalProperties is null) return response;
        var copy = new ChatResponse(response.Messages)
        {
            ResponseId = response.ResponseId,
            ModelId = response.ModelId,
            CreatedAt = response.CreatedAt,
            FinishReason = response.FinishReason,
            Usage = response.Usage,
            AdditionalProperties = new AdditionalPropertiesDictionary(
                response.AdditionalProperties.Where(p => !p.Key.StartsWith("llamaduo.", StringComparison.Ordinal))),
        };
        return copy;
    }
}
