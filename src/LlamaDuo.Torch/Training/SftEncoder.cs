using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Templates;
using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.Torch.Training;

/// <summary>What happens to an example longer than the maximum length.</summary>
public enum OverlongPolicy
{
    /// <summary>Keep the first max-length tokens; if none of its target tokens survive, the example is dropped.</summary>
    Truncate,
    /// <summary>Leave the example out.</summary>
    Drop,
}

/// <summary>
/// Turns chat examples into token ids plus a loss mask. Each conversation is rendered with the student's chat template;
/// the whole text is encoded once (so tokens are those the model sees at inference), and each segment's tokens are
/// found by encoding the text up to that segment's end. With <paramref name="assistantOnly"/> only assistant segments
/// (reply and end-of-turn marker) are targets; otherwise every token after the first. A template without an
/// end-of-turn marker (plain text, for base models) gets <paramref name="endOfReplyId"/> (default: the tokenizer's EOS)
/// appended after a final assistant reply, as a target, so the model learns where its answer ends. Pass the model's
/// first stop token: a base model stops on the token it was trained to emit (llama2.c models on BOS, id 1, their story
/// separator; their EOS row was never trained, so a frozen tied head cannot learn to emit it).
/// </summary>
public sealed class SftEncoder(ITokenizer tokenizer, IChatTemplate template, int maxLength, OverlongPolicy policy, bool assistantOnly = true,
    int? endOfReplyId = null)
{
    readonly int endId = endOfReplyId ?? tokenizer.EosId;

    /// <summary>Encodes all examples; over-long ones are truncated or dropped by the policy and counted.</summary>
    public EncodedDataset EncodeAll(IEnumerable<ChatExample> examples)
    {
        var kept = new List<EncodedExample>();
        int truncated = 0, dropped = 0;
        foreach (var example in examples)
        {
            if (!example.Messages.Any(m => m.Role == "assistant"))
                throw new InputException("example has no assistant turn, so there is nothing to learn", field: "messages", value: example.Id);
            var encoded = Encode(example);
            if (encoded.Length > maxLength)
            {
                if (policy == OverlongPolicy.Drop) { dropped++; continue; }
                encoded = encoded with { Ids = encoded.Ids[..maxLength], IsTarget = encoded.IsTarget[..maxLength] };
                truncated++;
            }
            if (encoded.TargetCount == 0) { dropped++; continue; }
            kept.Add(encoded);
        }
        return new EncodedDataset(kept, truncated, dropped);
    }

    /// <summary>Encodes one example at full length.</summary>
    public EncodedExample Encode(ChatExample example)
    {
        var segments = template.Render(example.Messages, addGenerationPrompt: false);
        var text = string.Concat(segments.Select(s => s.Text));
        var addBos = tokenizer.BosId is { } bos && !StartsWith(tokenizer.Encode(text, addBos: false), bos);
        var ids = tokenizer.Encode(text, addBos).ToArray();
        var isTarget = new bool[ids.Length];
        var prefix = "";
        var start = addBos ? 1 : 0;
        foreach (var segment in segments)
        {
            prefix += segment.Text;
            // Tokens of this segment: those beyond the encoding of the text before it (clamped: a merge across the
            // boundary puts the shared token on the later side).
            var end = Math.Clamp(tokenizer.Encode(prefix, addBos).Count, start, ids.Length);
            if (!assistantOnly || segment.IsAssistant)
                for (var t = start; t < end; t++) isTarget[t] = true;
            start = end;
        }
        isTarget[0] = false;
        if (template.StopStrings.Count == 0 && segments[^1].IsAssistant && ids[^1] != endId)
        {
            ids = [.. ids, endId];
            isTarget = [.. isTarget, true];
        }
        return new EncodedExample(example.Id, ids, isTarget);
    }

    static bool StartsWith(IReadOnlyList<int> ids, int id) => ids.Count > 0 && ids[0] == id;
}
