using System.Diagnostics;
using System.Text;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>Runs the real `llamaduo` CLI (the llamaduo.dll built beside the tests) as a child process.</summary>
static class CliProcess
{
    static string Dll => Path.Combine(AppContext.BaseDirectory, "llamaduo.dll");

    /// <summary>Runs to the end; returns exit code and combined output.</summary>
    public static Task<(int Code, string Output)> RunAsync(string workDir, TimeSpan timeout, params string[] args) =>
        RunAsync(workDir, timeout, new Dictionary<string, string>(), args);

    /// <summary>Runs to the end with extra environment variables; returns exit code and combined output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string workDir, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var (process, output) = Start(workDir, args, environment: environment);
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"llamaduo {string.Join(' ', args)} ran over {timeout}:\n{output}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }

    /// <summary>
    /// Starts the CLI and kills it (SIGKILL, no chance to clean up) as soon as a line of its output contains
    /// <paramref name="trigger"/>. Returns the output up to the kill; fails if the process ends first.
    /// </summary>
    public static async Task<string> KillWhenAsync(string workDir, string trigger, TimeSpan timeout, params string[] args)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return await KillWhenAsync(workDir, _ => seen.Task, line => { if (line.Contains(trigger)) seen.TrySetResult(); }, $"'{trigger}'", timeout, args);
    }

    /// <summary>
    /// Starts the CLI and kills it (SIGKILL) once <paramref name="killPoint"/> (given the running process) completes.
    /// Returns the output up to the kill; fails if the process ends first.
    /// </summary>
    public static Task<string> KillWhenAsync(string workDir, Func<Process, Task> killPoint, TimeSpan timeout, params string[] args) =>
        KillWhenAsync(workDir, killPoint, null, "the kill point", timeout, args);

    static async Task<string> KillWhenAsync(string workDir, Func<Process, Task> killPoint, Action<string>? onLine, string what, TimeSpan timeout, string[] args)
    {
        var (process, output) = Start(workDir, args, onLine);
        var point = killPoint(process);
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(point, exited, Task.Delay(timeout));
        if (first != point || point.IsFaulted)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{what} was never reached before the process ended or timed out ({point.Exception?.InnerException?.Message}):\n{output}");
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return output.ToString();
    }

    /// <summary>
    /// Starts the CLI, sends it SIGTERM as soon as a line of its output contains <paramref name="trigger"/>, and waits
    /// for it to end by itself; returns its exit code and output.
    /// </summary>
    public static async Task<(int Code, string Output)> TerminateWhenAsync(string workDir, string trigger, TimeSpan timeout, params string[] args)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (process, output) = Start(workDir, args, line => { if (line.Contains(trigger)) seen.TrySetResult(); });
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await seen.Task.WaitAsync(cts.Token);
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{trigger}' then an exit after SIGTERM did not happen within {timeout}:\n{output}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }

    static (Process, StringBuilder) Start(string workDir, string[] args, Action<string>? onLine = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var output = new StringBuilder();
        var process = new Process { StartInfo = psi };
        DataReceivedEventHandler handler = (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            onLine?.Invoke(e.Data);
        };
        process.OutputDataReceived += handler;
        process.ErrorDataReceived += handler;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }
}
