namespace LlamaDuo.Service.Middleware;

/// <summary>
/// One service call on its way down the middleware, seen from the HTTP layer: the ledger opens it
/// (<see cref="Enter"/>) and <see cref="HttpAttemptHandler"/> reports the first request that goes on the wire. So a
/// call counts as in flight only once something was sent: a cache hit or a call still queued behind the rate
/// limiter was never sent and cannot have been charged.
/// </summary>
internal sealed class OutgoingCall : IDisposable
{
    static readonly AsyncLocal<OutgoingCall?> CurrentCall = new();

    readonly Action _onFirstSend;
    int _state; // 0 open, 1 sent, 2 closed

    OutgoingCall(Action onFirstSend) => _onFirstSend = onFirstSend;

    /// <summary>The call open on this async flow, if any.</summary>
    public static OutgoingCall? Current => CurrentCall.Value;

    /// <summary>Opens a call on the current async flow; <paramref name="onFirstSend"/> runs before its first request goes out.</summary>
    public static OutgoingCall Enter(Action onFirstSend)
    {
        var call = new OutgoingCall(onFirstSend);
        CurrentCall.Value = call;
        return call;
    }

    /// <summary>A request of this call is about to be sent; the first one runs the callback (which may throw to stop it).</summary>
    public void Sending()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) == 0) _onFirstSend();
    }

    /// <summary>The call is over: requests that still carry it (a flow it started that lives on) are not reported.</summary>
    public void Dispose() => Interlocked.Exchange(ref _state, 2);
}
