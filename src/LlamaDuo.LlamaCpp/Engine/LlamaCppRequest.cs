namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>What to generate for each prompt: token budget, sampling, and text that ends a completion.</summary>
public sealed record LlamaCppRequest(int MaxNewTokens, LlamaCppSampling Sampling, IReadOnlyList<string>? StopStrings = null);

/// <summary>
/// One completion: generated ids (the stopping token excluded), text (cut before any stop string), prompt size, and
/// why it ended: "stop" (end-of-generation token or stop string) or "length" (token budget or context full).
/// </summary>
public sealed record LlamaCppCompletion(IReadOnlyList<int> Tokens, string Text, int PromptTokens, string FinishReason);
