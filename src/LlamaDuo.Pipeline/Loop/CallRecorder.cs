using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Ledger;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Puts every service call of a run into the run store as it happens: noted as in flight before its request goes
/// out, completed (tokens, dollars) the moment the ledger records its answer. So `llamaduo status`, the budgets and
/// ledger.jsonl agree after a kill at any point. On the next start <see cref="Reconcile"/> settles the calls a dead
/// process left in flight: completed from the ledger when the answer made it there, else recorded (in the ledger
/// too) as interrupted, cost unknown. Calls are attributed to the loop stage running them (<see cref="Enter"/>).
/// </summary>
internal sealed class CallRecorder : IDisposable
{
    static readonly AsyncLocal<(int Round, string Stage)?> Current = new();

    readonly RunStore _store;
    readonly Lock _lock = new();
    readonly CallLedger[] _ledgers;

    /// <summary>Observes <paramref name="ledgers"/> and writes through a connection of its own (calls arrive on many threads).</summary>
    public CallRecorder(RunStore store, params CallLedger[] ledgers)
    {
        _store = store.Reopen();
        _ledgers = ledgers;
        foreach (var ledger in ledgers)
        {
            ledger.Starting += OnStarting;
            ledger.Recorded += OnRecorded;
        }
    }

    /// <summary>Calls made from here on, on this async flow, belong to <paramref name="stage"/> of <paramref name="round"/>.</summary>
    public static void Enter(int round, LoopStage stage) => Current.Value = (round, stage.Name());

    /// <summary>
    /// Settles the calls an earlier process left in flight; returns how many were interrupted (no answer recorded).
    /// </summary>
    public int Reconcile()
    {
        int interrupted = 0;
        foreach (var call in _store.InFlightCalls())
        {
            var ledger = _ledgers.FirstOrDefault(l => call.Id.StartsWith(l.IdPrefix + ":", StringComparison.Ordinal)) ?? _ledgers[0];
            if (ledger.Entries.FirstOrDefault(e => e.Id == call.Id) is { } answered)
            {
                // The answer reached the ledger but the process died before run.db heard of it.
                lock (_lock) _store.RecordCall(ToRecord(answered, call.Round, call.Stage));
                continue;
            }
            interrupted++;
            // Recording it in the ledger completes the run.db row through OnRecorded: the two records keep one count.
            ledger.Record(new LedgerEntry(DateTimeOffset.UtcNow, call.Stage, call.Provider, call.Model, 0, 0, null, false, 0, 1, false,
                $"{InterruptedNote} (sent {call.At:O})", null, call.Id));
        }
        return interrupted;
    }

    /// <summary>The error text of a call cut off by a kill; run.db gives it the status "interrupted".</summary>
    public const string InterruptedNote = "interrupted: the process stopped while this call was in flight; the provider may have charged for it";

    void OnStarting(CallStart s)
    {
        var (round, stage) = Current.Value ?? (0, s.Stage);
        lock (_lock) _store.StartCall(s.Id, round, stage, s.Provider, s.Model, s.Time);
    }

    void OnRecorded(LedgerEntry e)
    {
        if (e.Id is null) return;
        var (round, stage) = Current.Value ?? (0, e.Stage);
        lock (_lock) _store.RecordCall(ToRecord(e, round, stage));
    }

    static CallRecord ToRecord(LedgerEntry e, int round, string stage) =>
        new(e.Id!, round, stage, e.Provider, e.Model, e.InputTokens, e.OutputTokens, (double)(e.Dollars ?? 0m), e.LatencyMs,
            e.Ok ? "ok" : e.Error?.StartsWith(InterruptedNote, StringComparison.Ordinal) == true ? RunStore.Interrupted : "failed",
            e.CacheHit, e.Time, e.Batch);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var ledger in _ledgers)
        {
            ledger.Starting -= OnStarting;
            ledger.Recorded -= OnRecorded;
        }
        lock (_lock) _store.Dispose();
    }
}
