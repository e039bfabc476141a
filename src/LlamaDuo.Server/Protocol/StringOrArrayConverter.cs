using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaDuo.Server.Protocol;

/// <summary>Reads OpenAI's "a string or an array of strings" fields (stop, prompt) into one list.</summary>
internal sealed class StringOrArrayConverter : JsonConverter<List<string>>
{
    public override List<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return [reader.GetString()!];
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected a string or an array of strings");
        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // Token-id prompts ([[1, 2, 3]]) are valid OpenAI input but need the tokenizer at the edge; refuse clearly.
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected an array of strings (token-id arrays are not supported)");
            items.Add(reader.GetString()!);
        }
        return items;
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);
}
