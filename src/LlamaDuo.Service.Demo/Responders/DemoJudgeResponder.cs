using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Judge.Programmatic;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Demo.Responders;

/// <summary>
/// STAND-IN, NOT A LANGUAGE MODEL. Plays the service LLM's judge role for the offline quickstart: it recognises our
/// judge prompt (<see cref="JudgePrompt"/>), reads the reference and candidate back out of it and computes the two
/// scores by rule. One-word references (the story task) are compared on the candidate's first word: right gives
/// 94-100, wrong 5-30. Longer references score by ROUGE-L F1. The small variation and the reply's wrapping (bare JSON,
/// a ``` fence, or prose around JSON with "NN/100" strings) come from a hash of the prompt, so the same prompt always
/// gets the same reply. The host gives responders no call options, so the M rounds of one row get the same reply.
/// </summary>
public sealed class DemoJudgeResponder : IDemoResponder
{
    public string? TryRespond(IReadOnlyList<ChatMessage> messages)
    {
        var user = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text;
        if (user is null || JudgePrompt.TryParse(user) is not { } parts) return null;
        var hash = Hash(Canonical(parts));
        var (similarity, precision, verdict) = Scores(parts.Reference, parts.Candidate, hash);
        return Wrap(similarity, precision, verdict, hash[8]);
    }

    /// <summary>
    /// What the jitter is hashed from: the texts in a fixed layout (the first judge prompt's), not the prompt as sent,
    /// so a change of prompt wording or markers does not move the demo's scores and quickstart figures stay comparable.
    /// </summary>
    static string Canonical(JudgePromptParts p)
    {
        string context = string.Concat(p.Context.Select(t => $"=== {t.Role.ToUpperInvariant()} ===\n{t.Content}\n"));
        return $"{context}=== INSTRUCTION ===\n{p.Instruction}\n=== REFERENCE ANSWER ===\n{p.Reference}\n=== CANDIDATE ANSWER ===\n{p.Candidate}\n=== END ===\n" +
               "Rate the candidate answer now. Reply with the JSON object only.";
    }

    /// <summary>The rule: first-word match for one-word references, ROUGE-L otherwise; jitter from the hash.</summary>
    public static (int Similarity, int Precision, string Verdict) Scores(string reference, string candidate, byte[] hash)
    {
        var refWords = TextNormalizer.Words(reference);
        var candWords = TextNormalizer.Words(candidate);
        if (refWords.Count == 1)
        {
            bool right = candWords.Count > 0 && candWords[0] == refWords[0];
            return right
                ? (94 + hash[0] % 7, 94 + hash[1] % 7, $"the candidate answers '{candWords[0]}', as the reference does")
                : (5 + hash[0] % 26, 5 + hash[1] % 26, candWords.Count == 0 ? "the candidate is empty" : $"the candidate answers '{candWords[0]}' instead of '{refWords[0]}'");
        }
        double rouge = RougeL.F1(candidate, reference);
        int score = Math.Clamp((int)Math.Round(100 * rouge) + hash[0] % 7 - 3, 1, 100);
        int precision = Math.Clamp(score + hash[1] % 7 - 3, 1, 100);
        return (score, precision, $"word overlap with the reference (ROUGE-L F1) is {rouge:0.00}");
    }

    // Reasons first, as the prompt asks; three wrappings a real judge produces, all inside what the strict parser accepts.
    static string Wrap(int s, int p, string verdict, byte style) => (style % 3) switch
    {
        0 => $"{{\"similarity_reason\": \"{verdict}\", \"similarity\": {s}, \"precision_reason\": \"{verdict}\", \"precision\": {p}}}",
        1 => $"```json\n{{\n  \"similarity_reason\": \"{verdict}\",\n  \"similarity\": {s},\n  \"precision_reason\": \"{verdict}\",\n  \"precision\": {p},\n}}\n```",
        _ => $"Here is my assessment.\n{{\"similarity_reason\": \"{verdict}\", \"similarity\": \"{s}/100\", \"precision_reason\": \"{verdict}\", \"precision\": \"{p.ToString(CultureInfo.InvariantCulture)}\"}}\nI hope this helps.",
    };

    static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
