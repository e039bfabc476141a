using System.Globalization;
using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Pipeline.Calibration;

/// <summary>
/// Reads a labels file: JSONL, one object per line with <c>prompt</c> (a string) or <c>messages</c> (the conversation
/// up to the reply: optional system turn, user and assistant turns, ending with the user's), <c>reference</c>,
/// <c>candidate</c>, and <c>human</c>: a score 1-100, or "pass"/"fail" (or true/false). <c>id</c> is optional.
/// Any bad line stops the read with file, line, field and value.
/// </summary>
public static class LabelsFile
{
    public static List<LabelledRow> Read(string path)
    {
        if (!File.Exists(path)) throw new InputException("labels file not found", file: path, field: "--labels");
        var rows = new List<LabelledRow>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (text.Trim().Length == 0) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
            catch (JsonException e) { throw new InputException($"not a JSON line ({e.Message})", path, line, value: text); }
            using (doc) rows.Add(Row(doc.RootElement, path, line, text));
            if (rows.FindIndex(r => r.Id == rows[^1].Id) is var first && first < rows.Count - 1)
                throw new InputException($"id repeats the one on line {rows[first].Line}; ids must be unique", path, line, "id", rows[^1].Id);
        }
        if (rows.Count < 2) throw new InputException($"{rows.Count} labelled rows; calibration needs at least 2 (20 or more to mean much)", path);
        return rows;
    }

    static LabelledRow Row(JsonElement e, string path, int line, string text)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new InputException("each line must be a JSON object", path, line, value: text);
        string id = e.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString()! : $"line-{line}";
        bool hasPrompt = e.TryGetProperty("prompt", out var prompt), hasMessages = e.TryGetProperty("messages", out var messages);
        if (hasPrompt == hasMessages)
            throw new InputException("give either prompt (a string) or messages (the conversation up to the reply), not both or neither", path, line, "prompt", text);
        string instruction;
        List<ChatTurn>? context = null;
        if (hasPrompt) instruction = String(e, "prompt", path, line);
        else
        {
            var turns = Turns(messages, path, line);
            if (turns.Count == 0 || turns[^1].Role != "user")
                throw new InputException("messages must end with the user turn the candidate answers", path, line, "messages", messages.GetRawText());
            instruction = turns[^1].Content;
            context = turns.Count > 1 ? turns.Take(turns.Count - 1).ToList() : null;
        }
        string reference = String(e, "reference", path, line), candidate = String(e, "candidate", path, line);
        if (!e.TryGetProperty("human", out var human)) throw new InputException("missing field", path, line, "human");
        double? score = null;
        bool? pass = null;
        switch (human.ValueKind)
        {
            case JsonValueKind.Number when human.TryGetDouble(out var d) && d >= 1 && d <= 100: score = d; break;
            case JsonValueKind.True or JsonValueKind.False: pass = human.GetBoolean(); break;
            case JsonValueKind.String when human.GetString() is "pass" or "fail": pass = human.GetString() == "pass"; break;
            default:
                throw new InputException("human must be a score from 1 to 100, or \"pass\"/\"fail\"", path, line, "human", human.GetRawText());
        }
        return new LabelledRow(id, line, instruction, context, reference, candidate, score, pass);
    }

    static string String(JsonElement e, string field, string path, int line)
    {
        if (!e.TryGetProperty(field, out var v)) throw new InputException("missing field", path, line, field);
        if (v.ValueKind != JsonValueKind.String) throw new InputException("must be a string", path, line, field, v.GetRawText());
        return v.GetString()!;
    }

    static List<ChatTurn> Turns(JsonElement messages, string path, int line)
    {
        if (messages.ValueKind != JsonValueKind.Array) throw new InputException("must be an array of {role, content}", path, line, "messages", messages.GetRawText());
        var turns = new List<ChatTurn>();
        foreach (var m in messages.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var r) || r.GetString() is not ("system" or "user" or "assistant")
                || !m.TryGetProperty("content", out var c) || c.ValueKind != JsonValueKind.String)
                throw new InputException($"turn {(turns.Count + 1).ToString(CultureInfo.InvariantCulture)} must be {{\"role\": system|user|assistant, \"content\": string}}", path, line, "messages", m.GetRawText());
            turns.Add(new ChatTurn(r.GetString()!, c.GetString()!));
        }
        return turns;
    }
}
