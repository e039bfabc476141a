using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlamaDuo.Core.Data;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Synthesis;

/// <summary>
/// Our synthesis prompt (written for this project): the task, a few accepted seeds as a JSON array between marker
/// lines, and a request for N new ones as a JSON array. Single-turn seeds are (instruction, response) pairs; when any
/// seed is a multi-turn conversation the seeds are whole conversations (<c>{"messages": [...]}</c>, system turn
/// included) and the request is for whole conversations. Markers and the "PAIRS WANTED" line are public so the demo
/// service can read the request back.
/// </summary>
public static class SynthesisPrompt
{
    public const string ExamplesStart = "=== EXAMPLES ===";
    public const string ExamplesEnd = "=== END EXAMPLES ===";
    public const string CountLabel = "PAIRS WANTED: ";

    /// <summary>
    /// Texts as written: apostrophes, markup and non-ASCII stay readable (no \u0027, \u003C, \u304A). The relaxed
    /// encoder is unsafe only for HTML or script contexts, which a prompt is not; it still escapes quotes, backslashes
    /// and control characters (newlines included), so a seed can never put a marker line or "PAIRS WANTED" on a line
    /// of its own and end the block. Characters outside the Basic Multilingual Plane (emoji) are still escaped.
    /// </summary>
    public static readonly JsonSerializerOptions ExampleJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const string System =
        "You write training data for a small language model that must learn one narrow task from examples. " +
        "You will be shown the task and a few (instruction, response) pairs the team has already accepted. " +
        "Write new pairs that a user of this task could really send, each with the response the team would accept. " +
        "Match the examples in format, tone and length. Vary the content: new names, facts, wording and situations. " +
        "Never copy or lightly reword an example. Every response must be correct for its own instruction. " +
        "Reply with a JSON array only.";

    /// <summary>True when any seed has more than one user turn: the task is multi-turn, and so are its new rows.</summary>
    public static bool IsMultiTurn(IEnumerable<ChatExample> seeds) => seeds.Any(s => s.Messages.Count(m => m.Role == "user") > 1);

    /// <summary>The user message asking for <paramref name="count"/> pairs (or conversations) like <paramref name="seeds"/>.</summary>
    public static string User(TaskDescription task, IReadOnlyList<ChatExample> seeds, int count)
    {
        bool conversations = IsMultiTurn(seeds);
        var sb = new StringBuilder();
        sb.Append("Task: ").Append(task.Name).Append('\n');
        sb.Append("Topic: ").Append(task.Topic).Append('\n');
        if (!string.IsNullOrWhiteSpace(task.SystemPrompt)) sb.Append("The model will run with this system prompt: ").Append(task.SystemPrompt).Append('\n');
        sb.Append(ExamplesStart).Append('\n');
        sb.Append(ExamplesText(seeds, conversations)).Append('\n');
        sb.Append(ExamplesEnd).Append('\n');
        sb.Append(CountLabel).Append(count).Append('\n');
        if (conversations)
        {
            sb.Append($"Write {count} new conversations for this task, each with about as many turns as the examples, every assistant turn one the team would accept. ");
            sb.Append($"Reply with a JSON array of {count} objects, each {{\"messages\": [{{\"role\": \"user\", \"content\": \"...\"}}, {{\"role\": \"assistant\", \"content\": \"...\"}}, ...]}} ");
            sb.Append("(a \"system\" turn first when the examples have one, then user and assistant turns alternating, the last turn the assistant's), and nothing else.");
        }
        else
        {
            sb.Append($"Write {count} new pairs for this task. Keep any leading or trailing spaces the responses' format uses. ");
            sb.Append($"Reply with a JSON array of {count} objects, each {{\"instruction\": \"...\", \"response\": \"...\"}}, and nothing else.");
        }
        return sb.ToString();
    }

    /// <summary>The seeds' JSON: pairs, or whole conversations.</summary>
    public static string ExamplesText(IReadOnlyList<ChatExample> seeds, bool conversations, JsonSerializerOptions? json = null) =>
        conversations
            ? JsonSerializer.Serialize(seeds.Select(s => new { messages = s.Messages.Select(m => new { role = m.Role, content = m.Content }) }), json ?? ExampleJson)
            : JsonSerializer.Serialize(seeds.Select(s => new Dictionary<string, string> { ["instruction"] = s.Prompt, ["response"] = s.Response ?? "" }), json ?? ExampleJson);

    public static IReadOnlyList<ChatMessage> Messages(TaskDescription task, IReadOnlyList<ChatExample> seeds, int count) =>
    [
        new(ChatRole.System, System),
        new(ChatRole.User, User(task, seeds, count)),
    ];

    /// <summary>sha256 (hex) of the prompt text: system message, a blank line, user message.</summary>
    public static string Hash(IReadOnlyList<ChatMessage> messages) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n\n", messages.Select(m => m.Text)))));

    /// <summary>Reads the request back from a user message built by <see cref="User"/>; null otherwise.</summary>
    public static SynthesisRequest? TryParse(string userText)
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
            var items = doc.RootElement.EnumerateArray().ToList();
            bool conversations = items.Count > 0 && items[0].TryGetProperty("messages", out _);
            var seeds = items.Select(x => conversations
                ? (IReadOnlyList<ChatTurn>)x.GetProperty("messages").EnumerateArray()
                    .Select(m => new ChatTurn(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList()
                : [ChatTurn.User(x.GetProperty("instruction").GetString()!), ChatTurn.Assistant(x.GetProperty("response").GetString()!)]).ToList();
            return new SynthesisRequest(count, seeds, conversations, s + ExamplesStart.Length + 1, e);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException) { return null; }
    }
}
