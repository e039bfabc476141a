using System.Text.Json;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Judge.Programmatic;

namespace LlamaDuo.Service.Synthesis;

/// <summary>
/// Reads (instruction, response) pairs from a generator reply: the first JSON array anywhere in the text (or a single
/// object holding one, e.g. {"pairs": [...]}); keys matched loosely ("instruction"/"prompt"/"input"/"question",
/// "response"/"output"/"answer"). Each pair is validated: both non-empty, within length limits, not a copy of a seed,
/// not a repeat within the reply. Responses are kept byte for byte (a leading space can be part of the format).
/// </summary>
public static class SyntheticPairParser
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
