using LlamaDuo.Service.Demo.Host;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Responders;

/// <summary>An in-process IChatClient over demo responders (no HTTP): the first non-null answer wins.</summary>
sealed class ResponderChatClient(params IDemoResponder[] responders) : IChatClient
{
    public int Calls;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        var list = messages.ToList();
        string text = responders.Select(r => r.TryRespond(list)).FirstOrDefault(t => t is not null) ?? "I do not recognise this prompt.";
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = "demo-stand-in" });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}
