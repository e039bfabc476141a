using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// Our judge prompt (written for this project). The service LLM sees the instruction, the accepted reference answer
/// and the candidate, each between marker lines, and replies with one JSON object holding two 1-100 scores and a
/// short reason for each. The markers are public so the demo service can find the three parts again.
/// </summary>
public static class JudgePrompt
{
    public const string InstructionStart = "=== INSTRUCTION ===";
    public const string ReferenceStart = "=== REFERENCE ANSWER ===";
    public const string CandidateStart = "=== CANDIDATE ANSWER ===";
    public const string End = "=== END ===";

    /// <summary>The fixed rubric, sent as the system message. Changing it changes every cached judgement.</summary>
    public const string System =
        "You grade answers for a team that is replacing a large hosted model with a small local one. " +
        "You are given an instruction, a reference answer that the team has accepted as correct, and a candidate answer " +
        "written by the small model. Rate the candidate on two scales from 1 (worst) to 100 (best).\n" +
        "- similarity: how closely the candidate matches the reference in meaning, facts, format and length. " +
        "Identical meaning scores near 100 even when the wording differs; a contradiction or an unrelated answer scores below 20.\n" +
        "- precision: how accurately and relevantly the candidate carries out the instruction on its own terms: " +
        "correct facts, nothing invented, nothing missing that the instruction asks for, no filler.\n" +
        "Judge only what is written. Do not reward length. Keep each reason to one sentence.\n" +
        "Reply with exactly one JSON object and nothing else, in this shape:\n" +
        "{\"similarity\": <integer 1-100>, \"similarity_reason\": \"<one sentence>\", " +
        "\"precision\": <integer 1-100>, \"precision_reason\": \"<one sentence>\"}";

    /// <summary>The user message: the three texts between marker lines.</summary>
    public static string User(string instruction, string reference, string candidate) =>
        $"{InstructionStart}\n{instruction}\n{ReferenceStart}\n{reference}\n{CandidateStart}\n{candidate}\n{End}\n" +
        "Rate the candidate answer now. Reply with the JSON object only.";

    /// <summary>The full conversation for one judgement.</summary>
    public static IReadOnlyList<ChatMessage> Messages(JudgeItem item) =>
    [
        new(ChatRole.System, System),
        new(ChatRole.User, User(item.Instruction, item.Reference, item.Candidate)),
    ];

    /// <summary>
    /// Recovers (instruction, reference, candidate) from a user message built by <see cref="User"/>; null when the
    /// text is not one of our judge prompts.
    /// </summary>
    public static (string Instruction, string Reference, string Candidate)? TryParse(string userText)
    {
        int i = userText.IndexOf(InstructionStart + "\n", StringComparison.Ordinal);
        int r = userText.IndexOf("\n" + ReferenceStart + "\n", StringComparison.Ordinal);
        int c = userText.LastIndexOf("\n" + CandidateStart + "\n", StringComparison.Ordinal);
        int e = userText.LastIndexOf("\n" + End + "\n", StringComparison.Ordinal);
        if (i < 0 || r < i || c < r || e < c) return null;
        int iStart = i + InstructionStart.Length + 1;
        int rStart = r + ReferenceStart.Length + 2;
        int cStart = c + CandidateStart.Length + 2;
        return (userText[iStart..r], userText[rStart..c], userText[cStart..e]);
    }
}
