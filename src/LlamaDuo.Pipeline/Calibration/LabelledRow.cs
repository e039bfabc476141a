using LlamaDuo.Core.Data;

namespace LlamaDuo.Pipeline.Calibration;

/// <summary>
/// One human-labelled judgement: the conversation up to the reply (<see cref="Context"/> then the instruction), the
/// reference, the candidate, and the human's verdict: a 1-100 score, or only pass/fail (<see cref="HumanScore"/> null).
/// </summary>
public sealed record LabelledRow(string Id, int Line, string Instruction, IReadOnlyList<ChatTurn>? Context, string Reference,
    string Candidate, double? HumanScore, bool? HumanPass)
{
    /// <summary>The human's pass decision: the label when given, else the score against the threshold.</summary>
    public bool Passes(double threshold) => HumanPass ?? HumanScore >= threshold;
}
