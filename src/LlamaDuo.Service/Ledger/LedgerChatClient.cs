using System.Diagnostics;
using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Ledger;

/// <summary>
/// The outermost layer: records every call (answered, cached or failed) in a <see cref="CallLedger"/> with its
/// stage label, tokens from the response's usage, dollars from the price table (the batch price for an answer that
/// carries <see cref="BatchTags.BatchId"/>), latency and attempt count. The ledger hears of each call as its first
/// request goes out (<see cref="CallLedger.Starting"/>, through <see cref="OutgoingCall"/>) under the id its entry carries.
/// </summary>
internal sealed class LedgerChatClient(IChatClient inner, CallLedger ledger, PriceTable prices, string provider, string model, string? secret = null)
    : DelegatingChatClient(inner)
{
    // An error message can echo what the server saw; the secret (the API key) is cut out before anything is written.
    string Redact(string message) => string.IsNullOrEmpty(secret) ? message : message.Replace(secret, "***", StringComparison.Ordinal);

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var stage = ServiceCallTags.StageOf(options);
        var started = Stopwatch.GetTimestamp();
        var calledModel = options?.ModelId ?? model;
        var id = ledger.NewCallId();
        using var outgoing = OutgoingCall.Enter(() => ledger.Start(new CallStart(id, DateTimeOffset.UtcNow, stage, provider, calledModel)));
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            var hit = response.AdditionalProperties?.TryGetValue(ServiceCallTags.CacheHit, out var h) == true && h is true;
            var attempts = !hit && response.AdditionalProperties?.TryGetValue(ServiceCallTags.Attempts, out var a) == true && a is int n ? n : hit ? 0 : 1;
            var input = response.Usage?.InputTokenCount ?? 0;
            var output = response.Usage?.OutputTokenCount ?? 0;
            var batch = hit ? null : BatchTags.BatchIdOf(response);
            var price = prices.Find(calledModel);
            var dollars = hit ? 0m : batch is null ? price?.Cost(input, output) : price?.BatchCost(input, output);
            ServiceTelemetry.TagCost(dollars, stage, hit);
            ledger.Record(new LedgerEntry(DateTimeOffset.UtcNow, stage, provider, calledModel, input, output, dollars, hit,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempts, true, null, batch, id));
            return response;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var attempts = e is ServiceCallException s ? s.Attempts : 1;
            ledger.Record(new LedgerEntry(DateTimeOffset.UtcNow, stage, provider, calledModel, 0, 0, null, false,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempts, false, Redact(e.Message), null, id));
            throw;
        }
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamingAdapter.FromResponseAsync(GetResponseAsync(messages, options, cancellationToken));
}
