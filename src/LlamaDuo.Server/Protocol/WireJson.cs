using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaDuo.Server.Protocol;

/// <summary>The one set of serializer options used at the HTTP edge: snake_case names, nulls omitted, compact.</summary>
internal static class WireJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Strict numbers: "temperature": "0.5" is a wrong type, as OpenAI treats it.
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
        // Responses are JSON for API clients, never inlined into HTML; keep quotes and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
