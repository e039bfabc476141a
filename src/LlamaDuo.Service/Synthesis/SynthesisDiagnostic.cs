namespace LlamaDuo.Service.Synthesis;

/// <summary>A problem with one synthesis call recorded as data: a failed call, a reply with no usable pairs, a rejected pair.</summary>
public sealed record SynthesisDiagnostic(int Batch, string PromptHash, string Message);
