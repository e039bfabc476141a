namespace LlamaDuo.Service.Judge;

/// <summary>
/// One thing to judge: an instruction, the reference answer the user accepted, and a candidate answer from the
/// student. <see cref="Id"/> must be unique within a run (for K samples per test prompt use e.g. "test-17#2");
/// <see cref="PromptId"/> names the test row the candidate answers, so results can be grouped per prompt.
/// </summary>
public sealed record JudgeItem(string Id, string Instruction, string Reference, string Candidate, string? PromptId = null);
