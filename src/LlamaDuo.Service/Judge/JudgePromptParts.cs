using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Judge;

/// <summary>The texts read back out of a judge prompt by <see cref="JudgePrompt.TryParse"/>.</summary>
public sealed record JudgePromptParts(string Instruction, string Reference, string Candidate, IReadOnlyList<ChatTurn> Context);
