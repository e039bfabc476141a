using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Batch;

/// <summary>One request of a batch: the call's cache key as custom id, its messages and options (our tags removed).</summary>
internal sealed record BatchRequest(string CustomId, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options);
