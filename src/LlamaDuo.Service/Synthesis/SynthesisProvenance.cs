namespace LlamaDuo.Service.Synthesis;

/// <summary>
/// Where a synthetic row came from: its id, the train rows shown as seeds, the generator model, the loop round, the
/// batch (call) within the round and the sha256 of the prompt. The dedup decision is added by the loop (dedup.jsonl).
/// </summary>
public sealed record SynthesisProvenance(string RowId, IReadOnlyList<string> SeedIds, string GeneratorModel, int Round, int Batch, string PromptHash);
