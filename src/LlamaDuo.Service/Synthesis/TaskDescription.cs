namespace LlamaDuo.Service.Synthesis;

/// <summary>The task being migrated, as the config names it: what the generator is told to write pairs about.</summary>
public sealed record TaskDescription(string Name, string Topic, string? SystemPrompt = null);
