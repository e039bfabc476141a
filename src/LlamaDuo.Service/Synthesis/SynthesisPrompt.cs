using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlamaDuo.Core.Data;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Synthesis;

/// <summary>
/// Our synthesis prompt (written for this project): the task, a few accepted seed pairs as a JSON array between marker
/// lines, and a request for N new pairs as a JSON array. Markers and the "PAIRS WANTED" line are public so the demo
/// service can read the request back.
/// </summary>
public static class SynthesisPrompt
{
    public const string ExamplesStart = "=== EXAMPLES ===";
    public const string ExamplesEnd = "=== END EXAMPLES ===";
    public const string CountLabel = "PAIRS WANTED: ";

    public const string System =
        "You write training data for a small language model that must learn one narrow task from examples. " +
        "You will be shown the task and a few (instruction, response) pairs the team has already accepted. " +
        "Write new pairs that a user of this task could really send, each with the response the team would accept. " +
        "Match the examples in format, tone and length. Vary the content: new names, facts, wording and situations. " +
        "Never copy or lightly reword an example. Every response must be correct for its own instruction. " +
        "Reply with a JSON array only.";

    /// <summary>The user message asking for <paramref name="count"/> pairs like <paramref name="seeds"/>.</summary>
    public static string User(TaskDescription task, IReadOnlyList<ChatExample> seeds, int count)
    {
        var examples = seeds.Select(s => new Dictionary<string, string> { ["instruction"] = s.Prompt, ["response"] = s.Response ?? "" });
        var sb = new StringBuilder();
        sb.Append("Task: ").Append(task.Name).Append('\n');
        sb.Append("Topic: ").Append(task.Topic).Append('\n');
        if (!string.IsNullOrWhiteSpace(task.SystemPrompt)) sb.Append("The model will run with this system prompt: ").Append(task.SystemPrompt).Append('\n');
        sb.Append(ExamplesStart).Append('\n');
        sb.Append(JsonSerializer.Serialize(examples, new JsonSerializerOptions { WriteIndented = true })).Append('\n');
        sb.Append(ExamplesEnd).Append('\n');
        sb.Append(CountLabel).Append(count).Append('\n');
        sb.Append($"Write {count} new pairs for this task. Keep any leading or trailing spaces the responses' format uses. ");
        sb.Append($"Reply with a JSON array of {count} objects, each {{\"instruction\": \"...\", \"response\": \"...\"}}, and nothing else.");
        return sb.ToString();
    }

    public static IReadOnlyList<ChatMessage> Messages(TaskDescription task, IReadOnlyList<ChatExample> seeds, int count) =>
    [
        new(ChatRole.System, System),
        new(ChatRole.User, User(task, seeds, count)),
    ];

    /// <summary>sha256 (hex) of the prompt text: system message, a blank line, user message.</summary>
    public static string Hash(IReadOnlyList<ChatMessage> messages) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n\n", messages.Select(m => m.Text)))));

    /// <summary>Reads (count, seed pairs) back from a user message built by <see cref="User"/>; null otherwise.</summary>
    public static (int Count, IReadOnlyList<(string Instruction, string Response)> Seeds)? TryParse(string userText)
    {
        int s = userText.IndexOf(ExamplesStart + "\n", StringComparison.Ordinal);
        int e = userText.LastIndexOf("\n" + ExamplesEnd + "\n", StringComparison.Ordinal);
        int c = userText.LastIndexOf("\n" + CountLabel, StringComparison.Ordinal);
        if (s < 0 || e < s || c < e) return null;
        var countText = new string(userText[(c + CountLabel.Length + 1)..].TakeWhile(char.IsDigit).ToArray());
        if (!int.TryParse(countText, out int count)) return null;
        try
        {
            using var doc = JsonDocument.Parse(userText[(s + ExamplesStart.Length + 1)..e]);
            var seeds = doc.RootElement.EnumerateArray()
                .Select(x => (x.GetProperty("instruction").GetString()!, x.GetProperty("response").GetString()!)).ToList();
            return (count, seeds);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException) { return null; }
    }
}
