using System.Collections.Concurrent;

namespace LlamaDuo.Core.Threading;

/// <summary>
/// Runs long native work (a training run) on the process's first thread when the host serves it (the CLI does, see
/// <see cref="Serve"/>), else on the thread pool.
/// <para>
/// Why the first thread: glibc's malloc serves it from the main heap, which can keep freed pages for reuse between
/// training steps (the trainer's NativeHeap scope). Every other thread gets an arena of its own whose blocks over
/// 64 MB are always separate mappings, returned on free and faulted in again page by page by the next step. Measured
/// on the Qwen2.5-0.5B shape (LoRA q,k,v,o, batch 8 x 512, bf16): on a pool thread each step took 0.1-0.5 million
/// page faults, up to ~10% of its CPU time, however the heap was tuned; on the first thread, none once the heap had grown.
/// </para>
/// </summary>
public sealed class FirstThread
{
    static FirstThread? served;
    readonly BlockingCollection<Action> queue = new();
    int threadId;

    FirstThread() { }

    /// <summary>Whether <see cref="Serve"/> is running, so work given to <see cref="RunAsync"/> goes to the first thread.</summary>
    public static bool IsServed => served is not null;

    /// <summary>
    /// Runs <paramref name="work"/> on the first thread if it is served, one piece of work at a time in the order given,
    /// else on the thread pool. Cancellation before the work starts cancels the task; once started, the work
    /// observes <paramref name="ct"/> itself.
    /// </summary>
    public static Task<T> RunAsync<T>(Func<T> work, CancellationToken ct = default)
    {
        var host = served;
        if (host is null) return Task.Run(work, ct);
        if (Environment.CurrentManagedThreadId == host.threadId) return RunHere(work, ct); // waiting on the queue from here would deadlock
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            if (ct.IsCancellationRequested) { done.TrySetCanceled(ct); return; }
            try { done.TrySetResult(work()); }
            catch (OperationCanceledException e) { done.TrySetCanceled(e.CancellationToken); }
            catch (Exception e) { done.TrySetException(e); }
        }
        try { host.queue.Add(Run, CancellationToken.None); }
        catch (InvalidOperationException) { return Task.Run(work, ct); } // the host finished between the check and the add
        return done.Task;
    }

    static Task<T> RunHere<T>(Func<T> work, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return Task.FromCanceled<T>(ct);
        try { return Task.FromResult(work()); }
        catch (OperationCanceledException e) { return Task.FromCanceled<T>(e.CancellationToken.IsCancellationRequested ? e.CancellationToken : new CancellationToken(true)); }
        catch (Exception e) { return Task.FromException<T>(e); }
    }

    /// <summary>
    /// Called on the process's first thread: runs <paramref name="app"/> on the thread pool and, until it returns,
    /// runs here the work that <see cref="RunAsync"/> is given. Returns <paramref name="app"/>'s result or throws its
    /// exception.
    /// </summary>
    public static T Serve<T>(Func<T> app)
    {
        var host = new FirstThread { threadId = Environment.CurrentManagedThreadId };
        if (Interlocked.CompareExchange(ref served, host, null) is not null)
            throw new InvalidOperationException("the first thread is already served");
        try
        {
            var task = Task.Run(() =>
            {
                try { return app(); }
                finally { host.queue.CompleteAdding(); }
            });
            foreach (var work in host.queue.GetConsumingEnumerable()) work();
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            served = null;
        }
    }
}
