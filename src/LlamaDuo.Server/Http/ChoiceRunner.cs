using Microsoft.Extensions.AI;

namespace LlamaDuo.Server.Http;

/// <summary>What one generated choice came to: its text, why it ended, and its token counts.</summary>
internal sealed record ChoiceResult(string Text, string FinishReason, int PromptTokens, int CompletionTokens);

/// <summary>
/// Runs one choice of a plan on the model's <see cref="IChatClient"/>, plain or streamed. Usage comes from the engine
/// when it reports it; otherwise from the model's token counter; as a last resort a streamed choice counts its
/// updates (engines stream about one token per update).
/// </summary>
internal sealed class ChoiceRunner(ServedModel model)
{
    /// <summary>
    /// Runs <paramref name="count"/> choices at once (each holds a slot of the request's lease) and returns them in
    /// index order. When one fails the others are cancelled, so a failed request frees its slots at once.
    /// </summary>
    public static async Task<ChoiceResult[]> AllAsync(int count, Func<int, CancellationToken, Task<ChoiceResult>> run, CancellationToken ct)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            try { return await run(i, failed.Token); }
            catch { failed.Cancel(); throw; }
        }).ToList();
        try
        {
            return await Task.WhenAll(tasks);
        }
        catch when (tasks.FirstOrDefault(t => t.IsFaulted && t.Exception!.InnerException is not OperationCanceledException) is { } first)
        {
            // Report the failure that cancelled the others, not one of the cancellations it caused.
            throw first.Exception!.InnerException!;
        }
    }

    public async Task<ChoiceResult> RunAsync(GenerationPlan plan, int index, CancellationToken ct)
    {
        var response = await plan.Client.GetResponseAsync(plan.Messages, plan.OptionsFor(index), ct);
        var text = response.Text;
        var completionTokens = (int?)response.Usage?.OutputTokenCount ?? model.CountTextTokens?.Invoke(text) ?? 0;
        var promptTokens = (int?)response.Usage?.InputTokenCount ?? plan.PromptTokens;
        return new ChoiceResult(text, FinishReason(response.FinishReason, completionTokens, plan), promptTokens, completionTokens);
    }

    /// <summary>Streams one choice, handing each non-empty text delta to <paramref name="onDelta"/> as it arrives.</summary>
    public async Task<ChoiceResult> StreamAsync(GenerationPlan plan, int index, Func<string, Task> onDelta, CancellationToken ct)
    {
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        var updates = 0;
        await foreach (var update in plan.Client.GetStreamingResponseAsync(plan.Messages, plan.OptionsFor(index), ct))
        {
            finish = update.FinishReason ?? finish;
            foreach (var content in update.Contents.OfType<UsageContent>()) usage = content.Details;
            var delta = update.Text;
            if (delta.Length == 0) continue;
            updates++;
            text.Append(delta);
            await onDelta(delta);
        }
        var full = text.ToString();
        var completionTokens = (int?)usage?.OutputTokenCount ?? model.CountTextTokens?.Invoke(full) ?? updates;
        var promptTokens = (int?)usage?.InputTokenCount ?? plan.PromptTokens;
        return new ChoiceResult(full, FinishReason(finish, completionTokens, plan), promptTokens, completionTokens);
    }

    static string FinishReason(ChatFinishReason? reason, int completionTokens, GenerationPlan plan)
    {
        if (reason == ChatFinishReason.Length) return "length";
        if (reason == ChatFinishReason.ContentFilter) return "content_filter";
        if (reason is not null) return "stop";
        // The engine did not say; hitting the token budget exactly is the only way to end other than stopping.
        return plan.Options.MaxOutputTokens is { } max && completionTokens >= max ? "length" : "stop";
    }
}
