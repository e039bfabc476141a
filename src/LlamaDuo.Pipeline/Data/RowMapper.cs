using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;

namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// Turns a raw record into a <see cref="ChatExample"/> through the column mapping: a messages field when the row has
/// one, otherwise prompt and response fields. Missing fields, unknown roles and empty content are errors naming the
/// file, the line and the field.
/// </summary>
internal static class RowMapper
{
    static readonly string[] Roles = ["system", "user", "assistant"];

    public static CoverageRow Map(RawRecord record, ColumnMapping columns)
    {
        var f = record.Fields;
        List<ChatTurn> turns;
        if (f.TryGetPropertyValue(columns.Messages, out var messages) && messages is not null)
            turns = ReadMessages(record, columns.Messages, messages);
        else if (f.ContainsKey(columns.Prompt) || f.ContainsKey(columns.Response))
            turns = [ChatTurn.User(Text(record, columns.Prompt)), ChatTurn.Assistant(Text(record, columns.Response))];
        else
            throw new InputException(
                $"row has neither a '{columns.Messages}' field nor '{columns.Prompt}'/'{columns.Response}' fields; set data.columns to the names this file uses (fields here: {string.Join(", ", f.Select(p => p.Key))})",
                record.Source, record.Line, columns.Messages);

        if (columns.System is { } systemField && f.TryGetPropertyValue(systemField, out var sys) && sys is not null && turns[0].Role != "system")
        {
            var text = Text(record, systemField);
            turns.Insert(0, ChatTurn.System(text));
        }
        if (!turns.Any(t => t.Role == "user"))
            throw new InputException("the conversation has no user turn", record.Source, record.Line, columns.Messages);
        if (turns[^1].Role != "assistant")
            throw new InputException("the conversation must end with an assistant turn (the reference answer)", record.Source, record.Line, columns.Messages);

        var id = IdOf(record, columns.Id) ?? ContentId(turns);
        return new CoverageRow(new ChatExample(id, turns), new RowProvenance(record.Source, record.Line));
    }

    /// <summary>A stable id from the content: the first 16 hex digits of the sha256 of the roles and texts.</summary>
    public static string ContentId(IEnumerable<ChatTurn> turns)
    {
        var canonical = string.Join("\u001e", turns.Select(t => $"{t.Role}\u001f{t.Content}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }

    static List<ChatTurn> ReadMessages(RawRecord record, string field, JsonNode node)
    {
        // CSV cells hold the messages as JSON text.
        if (node is JsonValue v && v.TryGetValue<string>(out var json))
        {
            try { node = JsonNode.Parse(json) ?? new JsonArray(); }
            catch (JsonException e) { throw new InputException($"messages are not valid JSON ({e.Message})", record.Source, record.Line, field, json, e); }
        }
        if (node is not JsonArray array || array.Count == 0)
            throw new InputException("expected a non-empty list of {role, content} messages", record.Source, record.Line, field, node.ToJsonString());
        var turns = new List<ChatTurn>();
        for (var i = 0; i < array.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (array[i] is not JsonObject m)
                throw new InputException("expected a {role, content} object", record.Source, record.Line, at, array[i]?.ToJsonString() ?? "null");
            var role = Scalar(Field(m, "role"))?.ToLowerInvariant();
            if (role is null || !Roles.Contains(role))
                throw new InputException("role must be system, user or assistant", record.Source, record.Line, $"{at}.role", role ?? "missing");
            var content = Scalar(Field(m, "content"));
            if (string.IsNullOrWhiteSpace(content))
                throw new InputException(content is null ? "missing content" : "empty content", record.Source, record.Line, $"{at}.content");
            turns.Add(new ChatTurn(role, content));
        }
        return turns;
    }

    static string Text(RawRecord record, string field)
    {
        if (!record.Fields.TryGetPropertyValue(field, out var node) || node is null)
            throw new InputException("missing field", record.Source, record.Line, field);
        var text = Scalar(node);
        if (text is null) throw new InputException("expected text", record.Source, record.Line, field, node.ToJsonString());
        if (string.IsNullOrWhiteSpace(text)) throw new InputException("empty content", record.Source, record.Line, field);
        return text;
    }

    static string? IdOf(RawRecord record, string field)
    {
        if (!record.Fields.TryGetPropertyValue(field, out var node) || node is null) return null;
        var id = Scalar(node);
        if (string.IsNullOrWhiteSpace(id)) throw new InputException("empty id", record.Source, record.Line, field);
        return id;
    }

    /// <summary>A message field by name, ignoring case (Parquet writers differ: role, Role).</summary>
    static JsonNode? Field(JsonObject message, string name) =>
        message.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Strings as they are; numbers and booleans as JSON text; arrays and objects are not scalars.</summary>
    static string? Scalar(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()
        : null;
}
