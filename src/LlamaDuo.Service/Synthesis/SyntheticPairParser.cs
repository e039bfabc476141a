using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Judge.Programmatic;

namespace LlamaDuo.Service.Synthesis;

/// <summary>
/// Reads (instruction, response) pairs from a generator reply: the first JSON array anywhere in the text (or a single
/// object holding one, e.g. {"pairs": [...]}); keys matched loosely ("instruction"/"prompt"/"input"/"question",
/// "response"/"output"/"answer"). Each pair is validated: both non-empty, within length limits, not a copy of a seed,
/// not a repeat within the reply. Responses are kept byte for byte (a leading space can be part of the format).
/// </summary>
internal static class SyntheticPairParser
{
    static readonly string[] InstructionKeys = ["instruction", "prompt", "input", "question", "user"];
    static readonly string[] ResponseKeys = ["response", "output", "answer", "completion", "assistant"];

    /// <summary>Valid pairs, and one message per rejected pair or per reply-level problem.</summary>
    public static (List<(string Instruction, string Response)> Pairs, List<string> Problems) Parse(
        string? reply, SynthesisOptions options, IEnumerable<string> seedInstructions)
    {
        var pairs = new List<(string, string)>();
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(reply)) { problems.Add("empty reply"); return (pairs, problems); }

        using var array = LenientJson.FirstParsable(reply, '[');
        using var obj = array is null ? LenientJson.FirstParsable(reply, '{') : null;
        JsonElement? items = array?.RootElement;
        if (items is null && obj is not null)
            items = obj.RootElement.EnumerateObject().Select(p => p.Value).FirstOrDefault(v => v.ValueKind == JsonValueKind.Array);
        if (items is null || items.Value.ValueKind != JsonValueKind.Array) { problems.Add("no JSON array of pairs in the reply"); return (pairs, problems); }

        var seeds = seedInstructions.Select(TextNormalizer.Normalize).ToHashSet();
        var seen = new HashSet<string>();
        int index = 0;
        foreach (var item in items.Value.EnumerateArray())
        {
            index++;
            string? instruction = Field(item, InstructionKeys), response = Field(item, ResponseKeys);
            string? problem =
                instruction is null || response is null ? "not an object with instruction and response" :
                instruction.Trim().Length == 0 ? "empty instruction" :
                response.Trim().Length == 0 ? "empty response" :
                instruction.Length > options.MaxInstructionChars ? $"instruction longer than {options.MaxInstructionChars} chars" :
                response.Length > options.MaxResponseChars ? $"response longer than {options.MaxResponseChars} chars" :
                seeds.Contains(TextNormalizer.Normalize(instruction)) ? "copies a seed instruction" :
                !seen.Add(TextNormalizer.Normalize(instruction)) ? "repeats an instruction earlier in the reply" :
                null;
            if (problem is null) pairs.Add((instruction!, response!));
            else problems.Add($"pair {index}: {problem}");
        }
        if (pairs.Count == 0 && problems.Count == 0) problems.Add("the JSON array is empty");
        return (pairs, problems);
    }

    /// <summary>
    /// Whole conversations from a reply asking for <c>{"messages": [...]}</c> objects. Each must be: an optional system
    /// turn first, then user and assistant turns alternating, starting with the user and ending with the assistant,
    /// every content a non-empty string within the length limits; not a copy of a seed conversation (its user and
    /// assistant turns, normalised) and not a repeat within the reply.
    /// </summary>
    public static (List<IReadOnlyList<ChatTurn>> Conversations, List<string> Problems) ParseConversations(
        string? reply, SynthesisOptions options, IEnumerable<IReadOnlyList<ChatTurn>> seeds)
    {
        var conversations = new List<IReadOnlyList<ChatTurn>>();
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(reply)) { problems.Add("empty reply"); return (conversations, problems); }

        using var array = LenientJson.FirstParsable(reply, '[');
        if (array is null) { problems.Add("no JSON array of conversations in the reply"); return (conversations, problems); }
        var seedTexts = seeds.Select(Key).ToHashSet();
        var seen = new HashSet<string>();
        int index = 0;
        foreach (var item in array.RootElement.EnumerateArray())
        {
            index++;
            var (turns, problem) = Conversation(item, options);
            problem ??= seedTexts.Contains(Key(turns!)) ? "copies a seed conversation"
                : !seen.Add(Key(turns!)) ? "repeats a conversation earlier in the reply" : null;
            if (problem is null) conversations.Add(turns!);
            else problems.Add($"conversation {index}: {problem}");
        }
        if (conversations.Count == 0 && problems.Count == 0) problems.Add("the JSON array is empty");
        return (conversations, problems);
    }

    static (List<ChatTurn>? Turns, string? Problem) Conversation(JsonElement item, SynthesisOptions options)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            return (null, "not an object with a messages array");
        var turns = new List<ChatTurn>();
        foreach (var m in messages.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var r) || r.ValueKind != JsonValueKind.String
                || !m.TryGetProperty("content", out var c) || c.ValueKind != JsonValueKind.String)
                return (null, $"turn {turns.Count + 1} is not {{\"role\": string, \"content\": string}}");
            turns.Add(new ChatTurn(r.GetString()!.Trim().ToLowerInvariant(), c.GetString()!));
        }
        int first = turns.Count > 0 && turns[0].Role == "system" ? 1 : 0;
        if (turns.Count - first < 2) return (null, "needs at least a user and an assistant turn");
        for (int t = first; t < turns.Count; t++)
        {
            string expected = (t - first) % 2 == 0 ? "user" : "assistant";
            if (turns[t].Role != expected) return (null, $"turn {t + 1} is \"{turns[t].Role}\" where \"{expected}\" belongs (user and assistant alternate after an optional system turn)");
            if (turns[t].Content.Trim().Length == 0) return (null, $"turn {t + 1} is empty");
            int max = expected == "user" ? options.MaxInstructionChars : options.MaxResponseChars;
            if (turns[t].Content.Length > max) return (null, $"turn {t + 1} longer than {max} chars");
        }
        if (turns[^1].Role != "assistant") return (null, "the last turn is not the assistant's");
        return (turns, null);
    }

    /// <summary>A conversation's identity for copy checks: its user and assistant turns, normalised.</summary>
    static string Key(IReadOnlyList<ChatTurn> turns) =>
        string.Join("\n", turns.Where(t => t.Role != "system").Select(t => TextNormalizer.Normalize(t.Content)));

    static string? Field(JsonElement item, string[] keys)
    {
        if (item.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in item.EnumerateObject())
            if (keys.Contains(p.Name.Trim().ToLowerInvariant()))
                return p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                    _ => null,
                };
        return null;
    }
}
