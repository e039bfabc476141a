namespace LlamaDuo.Pipeline.Loop;

/// <summary>One line of round-NN/generations.jsonl: sample <see cref="Sample"/> of the student's answer to test row <see cref="RowId"/>.</summary>
public sealed record Generation(string RowId, int Sample, string Text, string Finish, int PromptTokens, int CompletionTokens);
