using System.Collections.Concurrent;
using LLama;
using LLama.Native;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>
/// Continuous batching: one llama.cpp context with <see cref="Slots"/> sequence ids, driven by one thread. Each step
/// admits waiting requests into free slots (their whole prompt goes into the step's batch), adds the last sampled
/// token of every running sequence, and decodes all of it in a single llama_batch. Each sequence then samples from
/// its own logits row with its own options and seeded random stream, streams its text, and leaves when it hits an
/// end token, a stop string, its token budget, the slot length or cancellation; its KV cells are freed at once, so a
/// waiting request takes the slot at the next step. Submitting is thread-safe; requests beyond the free slots wait in
/// arrival order (bound that queue in the caller, as the server's gate does).
/// <para>
/// A group (<see cref="SubmitGroup"/>: K samples of one prompt) shares its prefill: the members admitted in one step
/// put the prompt in the batch once, under the first member's sequence id; after the decode its KV cells are copied
/// to the others' sequence ids (llama_memory_seq_cp) and every member samples its first token from the same logits
/// row with its own random stream. Members that find no free slot wait at the head of the queue and prefill again
/// when slots free up, so no slot idles while a group waits to be admitted whole.
/// </para>
/// </summary>
public sealed class LlamaCppBatchScheduler : IDisposable
{
    readonly LlamaCppModel _model;
    readonly LLamaContext _context;
    readonly ConcurrentQueue<ScheduledSequence> _waiting = new();
    readonly ScheduledSequence?[] _slots;
    readonly SemaphoreSlim _wake = new(0);
    readonly CancellationTokenSource _stop = new();
    readonly Thread _thread;
    readonly object _submitGate = new(); // keeps the members of a group, and the groups of one call, together in the queue
    int _active;
    long _decodes, _sequenceSteps, _prefillTokens;

    /// <summary>
    /// <paramref name="slots"/> sequences of up to <paramref name="slotLength"/> tokens each (prompt and completion).
    /// With <paramref name="exactCache"/> (the default) the KV cache is fp32 and flash attention off; then a seeded
    /// request sampled at temperature 1 for 64 tokens gave the same text batched as alone in 62-63 of 64 cases, against
    /// 37-39 of 64 with llama.cpp's defaults (fp16 cache or flash attention), for ~10% fewer tokens/s at one sequence.
    /// </summary>
    public LlamaCppBatchScheduler(LlamaCppModel model, int slots, int slotLength, bool exactCache = true)
    {
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots), slots, "at least one slot");
        _model = model;
        Slots = slots;
        SlotLength = slotLength;
        _slots = new ScheduledSequence?[slots];
        _context = model.CreateContext(slotLength, slots, exactCache);
        _thread = new Thread(Run) { IsBackground = true, Name = "llama.cpp batch scheduler" };
        _thread.Start();
    }

    public int Slots { get; }
    public int SlotLength { get; }

    /// <summary>Sequences holding a slot now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Requests waiting for a free slot.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>llama_decode calls so far.</summary>
    public long Decodes => Interlocked.Read(ref _decodes);

    /// <summary>Prompt tokens put into decodes so far (a group's shared prefill counts once).</summary>
    public long PrefillTokens => Interlocked.Read(ref _prefillTokens);

    /// <summary>Sum over decodes of the sequences in each; divided by <see cref="Decodes"/> it is the mean batch width.</summary>
    public long SequenceSteps => Interlocked.Read(ref _sequenceSteps);

    /// <summary>
    /// Queues one completion of <paramref name="prompt"/> (token ids, BOS included when wanted).
    /// <paramref name="onText"/> receives new text as tokens arrive (on the scheduler thread: keep it short), stop
    /// strings held back until resolved. Cancelling leaves the batch at the next step and cancels the task.
    /// </summary>
    public Task<LlamaCppCompletion> SubmitAsync(IReadOnlyList<int> prompt, LlamaCppRequest request, Action<string>? onText = null,
        CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        CheckPrompt(prompt);
        var sequence = Enlist(prompt, request, onText, group: null, ct);
        lock (_submitGate) _waiting.Enqueue(sequence);
        _wake.Release();
        return sequence.Result.Task;
    }

    /// <summary>
    /// Queues one completion of <paramref name="prompt"/> per request (K samples of one prompt, each with its own
    /// seed and options), sharing the prompt's prefill among the members admitted together. Task i answers request i.
    /// </summary>
    public IReadOnlyList<Task<LlamaCppCompletion>> SubmitGroup(IReadOnlyList<int> prompt, IReadOnlyList<LlamaCppRequest> requests,
        CancellationToken ct = default) => SubmitGroups([(prompt, requests)], ct)[0];

    /// <summary>
    /// Queues several groups (see <see cref="SubmitGroup"/>) in one go, before the scheduler thread looks at any of
    /// them: with no other submitter, which sequences share each decode then depends on nothing but the groups and
    /// the tokens they draw, so a seeded rerun gives the same texts. Result [g][i] answers request i of group g.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Task<LlamaCppCompletion>>> SubmitGroups(
        IReadOnlyList<(IReadOnlyList<int> Prompt, IReadOnlyList<LlamaCppRequest> Requests)> groups, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        foreach (var (prompt, requests) in groups)
        {
            CheckPrompt(prompt);
            if (requests.Count == 0) throw new ArgumentException("a group needs at least one request", nameof(groups));
        }
        var members = groups.Select(g =>
        {
            var identity = new object();
            return g.Requests.Select(r => Enlist(g.Prompt, r, onText: null, identity, ct)).ToList();
        }).ToList();
        lock (_submitGate)
            foreach (var member in members.SelectMany(m => m)) _waiting.Enqueue(member);
        _wake.Release();
        return members.Select(m => (IReadOnlyList<Task<LlamaCppCompletion>>)m.Select(x => x.Result.Task).ToList()).ToList();
    }

    void CheckPrompt(IReadOnlyList<int> prompt)
    {
        if (prompt.Count == 0) throw new InputException("the prompt is empty", field: "prompt");
        if (prompt.Count >= SlotLength)
            throw new InputException($"the prompt has {prompt.Count} tokens; the context holds {SlotLength}", field: "prompt");
    }

    ScheduledSequence Enlist(IReadOnlyList<int> prompt, LlamaCppRequest request, Action<string>? onText, object? group, CancellationToken ct)
    {
        var sequence = new ScheduledSequence(prompt, request, onText, ct) { Group = group };
        // A request cancelled while it waits gives up at once; one that holds a slot leaves at the next step.
        sequence.Registration = ct.Register(() =>
        {
            sequence.Result.TrySetCanceled(ct);
            try { _wake.Release(); } catch (ObjectDisposedException) { } // cancelled while the scheduler shut down
        });
        return sequence;
    }

    void Run()
    {
        var batch = new LLamaBatch();
        var stepping = new List<ScheduledSequence>(Slots);
        while (!_stop.IsCancellationRequested)
        {
            if (Active == 0 && _waiting.IsEmpty)
            {
                try { _wake.Wait(_stop.Token); } catch (OperationCanceledException) { break; }
                continue;
            }
            batch.Clear();
            stepping.Clear();
            LeaveCancelled();
            lock (_submitGate) Admit(batch, stepping); // sees a SubmitGroups call whole or not at all
            foreach (var sequence in _slots)
                if (sequence?.NextToken is { } token)
                {
                    sequence.LogitIndex = batch.Add(token, sequence.Position, (LLamaSeqId)sequence.Slot, logits: true);
                    sequence.Position++;
                    stepping.Add(sequence);
                }
            if (stepping.Count == 0) continue;
            try
            {
                LlamaCppNative.Check(_context.NativeHandle.Decode(batch), _model.Path);
                Interlocked.Increment(ref _decodes);
                Interlocked.Add(ref _sequenceSteps, stepping.Count);
                SharePrefills(stepping);
                foreach (var sequence in stepping) Sample(sequence);
            }
            catch (Exception e)
            {
                foreach (var sequence in stepping) Leave(sequence, s => s.Result.TrySetException(e));
            }
        }
        foreach (var sequence in _slots) if (sequence is not null) Leave(sequence, s => s.Result.TrySetCanceled());
        while (_waiting.TryDequeue(out var waiting))
        {
            waiting.Registration.Dispose();
            waiting.Result.TrySetException(new ObjectDisposedException(nameof(LlamaCppBatchScheduler)));
        }
    }

    /// <summary>Moves waiting requests into free slots, their prompts into the batch (logits for the last token only).</summary>
    void Admit(LLamaBatch batch, List<ScheduledSequence> stepping)
    {
        ScheduledSequence? leader = null;
        for (int slot = 0; slot < Slots && !_waiting.IsEmpty; slot++)
        {
            if (_slots[slot] is not null || !_waiting.TryDequeue(out var sequence)) continue;
            if (sequence.Cancellation.IsCancellationRequested || sequence.Result.Task.IsCompleted)
            {
                sequence.Registration.Dispose();
                sequence.Result.TrySetCanceled(sequence.Cancellation);
                slot--;
                continue;
            }
            sequence.Slot = slot;
            _slots[slot] = sequence;
            Interlocked.Increment(ref _active);
            var prompt = sequence.Prompt;
            sequence.Position = prompt.Count;
            stepping.Add(sequence);
            // Another member of the group that prefilled in this step lends its prefill instead of adding the prompt again.
            if (sequence.Group is { } group && leader is not null && ReferenceEquals(leader.Group, group))
            {
                sequence.PrefillFrom = leader;
                continue;
            }
            leader = sequence;
            Interlocked.Add(ref _prefillTokens, prompt.Count);
            for (int i = 0; i < prompt.Count; i++)
            {
                int at = batch.Add(prompt[i], i, (LLamaSeqId)slot, logits: i == prompt.Count - 1);
                if (i == prompt.Count - 1) sequence.LogitIndex = at;
            }
        }
    }

    /// <summary>After the decode: members that shared a prefill get its KV cells and its logits row.</summary>
    void SharePrefills(List<ScheduledSequence> stepping)
    {
        foreach (var sequence in stepping)
        {
            if (sequence.PrefillFrom is not { } source) continue;
            _context.NativeHandle.MemorySequenceCopy((LLamaSeqId)source.Slot, (LLamaSeqId)sequence.Slot, -1, -1);
            sequence.LogitIndex = source.LogitIndex;
            sequence.PrefillFrom = null;
        }
    }

    void Sample(ScheduledSequence sequence)
    {
        bool finished;
        Action<ScheduledSequence> settle = s => s.Result.TrySetResult(s.Completion!);
        try
        {
            var logits = _context.NativeHandle.GetLogitsIth(sequence.LogitIndex);
            int token = sequence.Request.Sampling.Pick(logits, sequence.Random);
            finished = sequence.Accept(token, _model, SlotLength);
        }
        catch (Exception e)
        {
            // A failing text callback (a client gone mid-write) ends that sequence only.
            settle = s => s.Result.TrySetException(e);
            finished = true;
        }
        // The task settles only after the slot is freed, so a caller holding its answer sees the slot free already.
        if (finished) Leave(sequence, settle);
    }

    void LeaveCancelled()
    {
        foreach (var sequence in _slots)
            if (sequence is not null && sequence.Cancellation.IsCancellationRequested)
                Leave(sequence, s => s.Result.TrySetCanceled(s.Cancellation));
    }

    /// <summary>Frees the sequence's slot and KV cells, then settles its task with <paramref name="settle"/> (a no-op if already settled).</summary>
    void Leave(ScheduledSequence sequence, Action<ScheduledSequence> settle)
    {
        _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)sequence.Slot, -1, -1);
        _slots[sequence.Slot] = null;
        sequence.NextToken = null;
        Interlocked.Decrement(ref _active);
        sequence.Registration.Dispose();
        settle(sequence);
    }

    /// <summary>Stops the loop after the current step; running and waiting requests are cancelled.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _thread.Join();
        _context.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }
}
