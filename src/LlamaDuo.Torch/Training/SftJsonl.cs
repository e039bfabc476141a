using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// Reads SFT training data from JSONL: one example a line, either <c>{"messages": [{"role", "content"}, ...]}</c> or
/// prompt/response columns (<c>prompt</c> or <c>instruction</c>, then <c>response</c>, <c>completion</c> or
/// <c>output</c>; optional <c>system</c>). An optional <c>id</c> is kept, otherwise the line number is the id.
/// Blank lines are skipped. Every problem names the file, the line and the field.
/// </summary>
public static class SftJsonl
{
    static readonly string[] PromptColumns = ["prompt", "instruction"];
    static readonly string[] ResponseColumns = ["response", "completion", "output"];

    public static IReadOnlyList<ChatExample> Read(string path)
    {
        if (!File.Exists(path)) throw new InputException("training data file not found", path);
        var examples = new List<ChatExample>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            examples.Add(ParseLine(line, path, lineNumber));
        }
        if (examples.Count == 0) throw new InputException("training data is empty (no JSON lines)", path);
        return examples;
    }

    static ChatExample ParseLine(string line, string path, int lineNumber)
    {
        JsonElement row;
        try
        {
            row = JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException e)
        {
            throw new InputException($"not valid JSON: {e.Message}", path, lineNumber, inner: e);
        }
        if (row.ValueKind != JsonValueKind.Object) throw new InputException("each line must be a JSON object", path, lineNumber);
        var id = row.TryGetProperty("id", out var idElement) ? idElement.ToString() : $"line-{lineNumber}";
        var example = row.TryGetProperty("messages", out var messages)
            ? new ChatExample(id, ParseMessages(messages, path, lineNumber))
            : ParsePair(row, id, path, lineNumber);
        if (!example.Messages.Any(m => m.Role == "assistant"))
            throw new InputException("row has no assistant turn, so there is nothing to learn", path, lineNumber, "messages");
        return example;
    }

    static List<ChatTurn> ParseMessages(JsonElement messages, string path, int line)
    {
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            throw new InputException("must be a non-empty array of {role, content}", path, line, "messages");
        var turns = new List<ChatTurn>();
        var index = 0;
        foreach (var m in messages.EnumerateArray())
        {
            var field = $"messages[{index++}]";
            var role = StringField(m, "role", path, line, field);
            if (role is not ("system" or "user" or "assistant"))
                throw new InputException("role must be system, user or assistant", path, line, field + ".role", role);
            turns.Add(new ChatTurn(role, StringField(m, "content", path, line, field)));
        }
        return turns;
    }

    static ChatExample ParsePair(JsonElement row, string id, string path, int line)
    {
        var promptColumn = PromptColumns.FirstOrDefault(c => row.TryGetProperty(c, out _))
            ?? throw new InputException("row has neither 'messages' nor a prompt column (prompt or instruction)", path, line, "prompt");
        var responseColumn = ResponseColumns.FirstOrDefault(c => row.TryGetProperty(c, out _))
            ?? throw new InputException("row has no assistant turn: no response column (response, completion or output)", path, line, "response");
        var system = row.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return ChatExample.FromPair(id, StringField(row, promptColumn, path, line, null), StringField(row, responseColumn, path, line, null), system);
    }

    static string StringField(JsonElement obj, string name, string path, int line, string? parent)
    {
        var field = parent is null ? name : $"{parent}.{name}";
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
            throw new InputException("missing field", path, line, field);
        if (value.ValueKind != JsonValueKind.String) throw new InputException("must be a string", path, line, field, value.ToString());
        return value.GetString()!;
    }
}
