using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Judge;

/// <summary>A delegate-driven fake IChatClient: every call is recorded and answered by the given function.</summary>
sealed class ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, ChatOptions?, string> reply) : IChatClient
{
    readonly object _lock = new();
    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        lock (_lock) Calls.Add((list, options));
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply(list, options))) { ModelId = "scripted" });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}
