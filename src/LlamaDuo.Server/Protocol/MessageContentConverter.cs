using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaDuo.Server.Protocol;

/// <summary>
/// Reads message content given either as a string or as an array of parts (<c>[{"type":"text","text":"..."}]</c>);
/// text parts are joined. Other part types (images, audio) are refused: the models served here read text only.
/// </summary>
internal sealed class MessageContentConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.StartArray: break;
            default: throw new JsonException("expected a string or an array of content parts");
        }
        var text = new StringBuilder();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            using var part = JsonDocument.ParseValue(ref reader);
            var root = part.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.GetString() != "text"
                || !root.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                throw new JsonException("only content parts of type 'text' with a string 'text' are supported");
            text.Append(partText.GetString());
        }
        return text.ToString();
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
