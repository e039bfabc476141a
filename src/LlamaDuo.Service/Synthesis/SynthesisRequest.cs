using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Synthesis;

/// <summary>
/// A synthesis prompt read back (by the demo service): how many rows are wanted, the seeds as conversations (a pair
/// is a user and an assistant turn), whether whole conversations are asked for, and where the examples' JSON sits
/// in the user text ([<see cref="ExamplesStart"/>, <see cref="ExamplesEnd"/>)).
/// </summary>
public sealed record SynthesisRequest(int Count, IReadOnlyList<IReadOnlyList<ChatTurn>> Seeds, bool Conversations, int ExamplesStart, int ExamplesEnd)
{
    /// <summary>Each seed as (instruction, response): its last user turn and last assistant turn.</summary>
    public IReadOnlyList<(string Instruction, string Response)> Pairs =>
        Seeds.Select(s => (s.Last(t => t.Role == "user").Content, s.LastOrDefault(t => t.Role == "assistant")?.Content ?? "")).ToList();
}
