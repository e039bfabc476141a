using LlamaDuo.Service.Demo.Host;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Demo;

/// <summary>Test responder: answers prompts that start with "echo:" with "ECHO <rest>".</summary>
sealed class EchoResponder : IDemoResponder
{
    public string? TryRespond(IReadOnlyList<ChatMessage> messages)
    {
        var last = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        return last.StartsWith("echo:", StringComparison.Ordinal) ? "ECHO " + last["echo:".Length..].Trim() : null;
    }
}
