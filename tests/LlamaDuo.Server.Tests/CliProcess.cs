using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace LlamaDuo.Server.Tests;

/// <summary>Runs the built `llamaduo` CLI (copied beside the tests) as a child process.</summary>
public sealed class CliProcess : IDisposable
{
    readonly Process process;
    readonly TaskCompletionSource<string> banner = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly System.Text.StringBuilder stderr = new();

    CliProcess(Process process) => this.process = process;

    /// <summary>
    /// Starts <c>llamaduo ARGS</c> with extra environment variables: the build beside the tests, or
    /// <paramref name="executable"/> (an installed tool's command) when given.
    /// </summary>
    public static CliProcess Start(IEnumerable<string> args, IDictionary<string, string>? env = null, string? executable = null)
    {
        var info = new ProcessStartInfo(executable ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (executable is null) info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "llamaduo.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var cli = new CliProcess(new Process { StartInfo = info });
        cli.process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("serving ", StringComparison.Ordinal) == true) cli.banner.TrySetResult(e.Data);
        };
        cli.process.ErrorDataReceived += (_, e) => { lock (cli.stderr) cli.stderr.AppendLine(e.Data); };
        cli.process.Start();
        cli.process.BeginOutputReadLine();
        cli.process.BeginErrorReadLine();
        return cli;
    }

    public string Stderr { get { lock (stderr) return stderr.ToString(); } }

    /// <summary>The "serving MODEL at URL ..." line, once the server listens.</summary>
    public async Task<string> WaitForBannerAsync(TimeSpan timeout)
    {
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(banner.Task, exited, Task.Delay(timeout));
        if (first != banner.Task) throw new TimeoutException($"no banner; stderr: {Stderr}");
        return await banner.Task;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    /// <summary>SIGKILL: no chance to clean up, as after kill -9 or a crash; returns once the process is gone.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Sends SIGTERM, as a service manager would.</summary>
    public void Terminate() => Check(kill(process.Id, 15));

    static void Check(int rc) { if (rc != 0) throw new InvalidOperationException($"kill failed: {Marshal.GetLastPInvokeError()}"); }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
