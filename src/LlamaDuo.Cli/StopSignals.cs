using System.Runtime.InteropServices;

namespace LlamaDuo.Cli;

/// <summary>
/// SIGTERM and Ctrl+C (SIGINT) cancel the command's token instead of ending the process, so a run stops at a safe
/// point (the trainer checkpoints, no file is half-written) and records its status as "stopped". A second signal
/// ends the process at once.
/// </summary>
sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly PosixSignalRegistration _term;
    readonly PosixSignalRegistration _interrupt;

    public StopSignals()
    {
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    void OnSignal(PosixSignalContext signal)
    {
        if (_stop.IsCancellationRequested) return; // the second one: the default action ends the process
        signal.Cancel = true;
        Console.Error.WriteLine($"{signal.Signal}: stopping at the next safe point (send it again to stop at once)");
        _stop.Cancel();
    }

    public void Dispose()
    {
        _term.Dispose();
        _interrupt.Dispose();
        _stop.Dispose();
    }
}
