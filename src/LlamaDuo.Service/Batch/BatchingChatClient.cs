using LlamaDuo.Service.Middleware;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Batch;

/// <summary>
/// The provider client of batch mode. Calls made at about the same time are collected (sent after
/// <see cref="BatchOptions.WindowMs"/> without a new call, or at once when <see cref="BatchOptions.MaxRequests"/> are
/// waiting) and sent as ONE provider batch whose custom ids are the calls' cache keys. Each caller's task completes
/// when the batch has ended: with the answer, tagged <see cref="BatchTags.BatchId"/> so the ledger prices it at the
/// batch price, or with a <see cref="ServiceCallException"/> for a request the provider failed.
/// Before paying for a new batch the journal is asked for open batches holding the same custom ids: a process that
/// died while polling resumes by attaching to them.
/// </summary>
internal sealed class BatchingChatClient : IChatClient
{
    readonly IBatchApi _api;
    readonly IBatchJournal _journal;
    readonly BatchOptions _options;
    readonly Func<IList<ChatMessage>, ChatOptions?, string> _customId;
    readonly string _model;
    readonly Action<string>? _progress;
    readonly Lock _lock = new();
    readonly CancellationTokenSource _life = new();
    readonly Timer _window;
    readonly Dictionary<string, HashSet<string>> _delivered = [];
    List<PendingCall> _queue = [];

    /// <summary>
    /// A batching client for <paramref name="model"/> over <paramref name="api"/>. <paramref name="customId"/> maps a
    /// call to its id (the response cache's key, so ids are stable across processes).
    /// </summary>
    public BatchingChatClient(IBatchApi api, IBatchJournal journal, BatchOptions options,
        Func<IList<ChatMessage>, ChatOptions?, string> customId, string model, Action<string>? progress = null)
    {
        (_api, _journal, _options, _customId, _model, _progress) = (api, journal, options, customId, model, progress);
        _window = new Timer(_ => Flush(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Batches submitted by this client (attached ones not counted).</summary>
    public int Submitted => Volatile.Read(ref _submitted);

    int _submitted;

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        var call = new PendingCall(_customId(list, options), new BatchRequest("", [.. list], ServiceCallTags.WithoutTags(options)),
            ServiceCallTags.StageOf(options));
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_life.IsCancellationRequested, this);
            _queue.Add(call);
            if (_queue.Count >= _options.MaxRequests) FlushLocked();
            else _window.Change(_options.WindowMs, Timeout.Infinite);
        }
        return await call.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamingAdapter.FromResponseAsync(GetResponseAsync(messages, options, cancellationToken));

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <summary>
    /// Stops polling and fails every waiting call with a cancellation. Submitted batches keep running at the provider
    /// and stay open in the journal, so the next process attaches to them.
    /// </summary>
    public void Dispose()
    {
        List<PendingCall> waiting;
        lock (_lock)
        {
            if (_life.IsCancellationRequested) return;
            _life.Cancel();
            waiting = _queue;
            _queue = [];
        }
        _window.Dispose();
        foreach (var call in waiting) call.Done.TrySetCanceled();
    }

    void Flush()
    {
        lock (_lock) FlushLocked();
    }

    void FlushLocked()
    {
        if (_life.IsCancellationRequested) return; // disposed: the timer may be gone already
        _window.Change(Timeout.Infinite, Timeout.Infinite);
        if (_queue.Count == 0) return;
        var calls = _queue;
        _queue = [];
        _ = Task.Run(() => RunAsync(calls));
    }

    async Task RunAsync(List<PendingCall> calls)
    {
        var ct = _life.Token;
        var byId = calls.GroupBy(c => c.CustomId).ToDictionary(g => g.Key, g => g.ToList());
        try
        {
            var remaining = new HashSet<string>(byId.Keys);
            var work = new List<Task>();
            foreach (var record in _journal.ListOpen().Where(r => r.Provider == _api.Provider && r.Model == _model))
            {
                var mine = record.CustomIds.Where(remaining.Contains).ToHashSet();
                if (mine.Count == 0) continue;
                remaining.ExceptWith(mine);
                Say($"attaching to {record.Status} batch {record.Id} ({mine.Count} of its {record.CustomIds.Count} requests) from {record.Created:u}");
                work.Add(CompleteAsync(record, mine, byId, resubmitIfLost: true, ct));
            }
            if (remaining.Count > 0) work.Add(SubmitAndCompleteAsync(remaining, byId, ct));
            await Task.WhenAll(work).ConfigureAwait(false);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Disposed: whatever failed after that (a cancelled poll, or a request on the HttpClient the owner has
            // just disposed) is the disposal, not a failed call.
            foreach (var call in calls) call.Done.TrySetCanceled(ct);
        }
        catch (Exception e)
        {
            var status = e is BatchApiException b ? b.StatusCode : null;
            var transient = e is BatchApiException { Transient: true };
            foreach (var call in calls)
                call.Done.TrySetException(new ServiceCallException($"batch call failed: {e.Message}", 1, status, transient, e));
        }
    }

    async Task SubmitAndCompleteAsync(HashSet<string> ids, Dictionary<string, List<PendingCall>> byId, CancellationToken ct)
    {
        var requests = ids.Select(id => byId[id][0].Request with { CustomId = id }).ToList();
        var stage = string.Join("+", ids.SelectMany(id => byId[id]).Select(c => c.Stage).Distinct().Order());
        var batchId = await Retry(() => _api.SubmitAsync(requests, _model, stage, ct), "submit", ct).ConfigureAwait(false);
        Interlocked.Increment(ref _submitted);
        var record = new BatchRecord(batchId, _api.Provider, _model, stage, BatchStatuses.Submitted, [.. ids.Order()],
            DateTimeOffset.UtcNow, null, null);
        _journal.Upsert(record);
        Say($"submitted batch {batchId}: {ids.Count} {stage} requests");
        await CompleteAsync(record, ids, byId, resubmitIfLost: false, ct).ConfigureAwait(false);
    }

    async Task CompleteAsync(BatchRecord record, HashSet<string> ids, Dictionary<string, List<PendingCall>> byId, bool resubmitIfLost, CancellationToken ct)
    {
        BatchState state;
        try { state = await PollUntilEndedAsync(record.Id, ct).ConfigureAwait(false); }
        catch (BatchApiException e) when (e.StatusCode == 404 && resubmitIfLost)
        {
            _journal.Upsert(record with { Status = BatchStatuses.Abandoned, Ended = DateTimeOffset.UtcNow, Detail = "the provider no longer knows this batch" });
            Say($"batch {record.Id} is unknown to the provider; sending its {ids.Count} requests again");
            await SubmitAndCompleteAsync(ids, byId, ct).ConfigureAwait(false);
            return;
        }
        if (state.Failure is not null)
        {
            _journal.Upsert(record with { Status = BatchStatuses.Abandoned, Ended = DateTimeOffset.UtcNow, Detail = state.Failure });
            foreach (var call in ids.SelectMany(id => byId[id]))
                call.Done.TrySetException(new ServiceCallException($"batch {record.Id} failed: {state.Failure}", 1, null, false, null));
            return;
        }
        var ended = record with { Status = BatchStatuses.Ended, Ended = record.Ended ?? DateTimeOffset.UtcNow, Detail = state.ToString() };
        _journal.Upsert(ended);
        var results = await Retry(() => _api.ResultsAsync(record.Id, ct), "download results", ct).ConfigureAwait(false);
        bool all;
        lock (_delivered)
        {
            if (!_delivered.TryGetValue(record.Id, out var done)) _delivered[record.Id] = done = [];
            done.UnionWith(ids);
            all = record.CustomIds.All(done.Contains);
        }
        // Consumed once every request of the batch is handed out (until then a later call can still attach). It is
        // journalled just before the hand-out, so a caller that has its answer never sees the batch still open.
        if (all) _journal.Upsert(ended with { Status = BatchStatuses.Consumed });
        foreach (var id in ids)
            foreach (var call in byId[id])
            {
                if (results.TryGetValue(id, out var result) && result.Response is { } response) call.Done.TrySetResult(response);
                else call.Done.TrySetException(new ServiceCallException(
                    $"batch {record.Id} ({state.Status}): {result?.Error ?? "no result for this request"}", 1, result?.StatusCode, false, null));
            }
    }

    async Task<BatchState> PollUntilEndedAsync(string batchId, CancellationToken ct)
    {
        string? last = null;
        int failures = 0;
        var interval = TimeSpan.FromSeconds(_options.PollS);
        while (true)
        {
            BatchState state;
            try { state = await _api.PollAsync(batchId, ct).ConfigureAwait(false); failures = 0; }
            catch (BatchApiException e) when (e.Transient && ++failures <= MaxTransientFailures)
            {
                Say($"poll of batch {batchId} failed ({e.Message}); trying again");
                await Task.Delay(interval, ct).ConfigureAwait(false);
                continue;
            }
            var line = state.ToString();
            if (line != last) Say($"batch {batchId} {line}");
            last = line;
            if (state.Ended) return state;
            await Task.Delay(interval, ct).ConfigureAwait(false);
        }
    }

    const int MaxTransientFailures = 10;

    async Task<T> Retry<T>(Func<Task<T>> step, string what, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try { return await step().ConfigureAwait(false); }
            catch (BatchApiException e) when (e.Transient && attempt < 4)
            {
                Say($"{what} failed ({e.Message}); attempt {attempt + 1} of 4");
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(_options.PollS, 5) * attempt), ct).ConfigureAwait(false);
            }
        }
    }

    void Say(string line) => _progress?.Invoke(line);

    sealed record PendingCall(string CustomId, BatchRequest Request, string Stage)
    {
        public TaskCompletionSource<ChatResponse> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
