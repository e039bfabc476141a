using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LlamaDuo.Cli.Tests.Loop;

namespace LlamaDuo.Cli.Tests.Cli;

/// <summary>
/// A GGUF file served or generated on llama.cpp needs no TorchSharp: the process must not map libtorch. Read from
/// /proc/PID/maps of the real CLI, so a static constructor or a shared helper that touches a TorchSharp type fails here.
/// </summary>
public sealed class TorchFreeLlamaCppTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Serve_of_a_gguf_answers_without_libtorch_mapped()
    {
        using var temp = new RepoPaths.Temp();
        var gguf = await ExportAsync(temp.Path);
        var port = FreePort();
        string maps = "";
        await CliProcess.KillWhenAsync(temp.Path, async process =>
        {
            // Once it has answered a chat request, the engine has loaded and run; then the process's libraries are read.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var body = """{"model":"stories15m","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":4}""";
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException("serve exited before answering");
                try
                {
                    using var reply = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
                    Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
                    break;
                }
                catch (HttpRequestException) { await Task.Delay(200); }   // not listening yet
            }
            maps = await File.ReadAllTextAsync($"/proc/{process.Id}/maps");
        }, Timeout, "serve", "--model", gguf, "--port", port.ToString());

        AssertLlamaCppWithoutTorch(MappedLibraries(maps));
    }

    [Fact]
    public async Task Generate_of_a_gguf_on_llamacpp_runs_without_libtorch_mapped()
    {
        using var temp = new RepoPaths.Temp();
        var gguf = await ExportAsync(temp.Path);
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = temp.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { CliDll, "generate", "--engine", "llamacpp", "--model", gguf, "--prompt", "Once upon a time", "--max-tokens", "64" })
            psi.ArgumentList.Add(a);
        // Generation ends by itself, too soon to be sampled reliably on a loaded machine (CI once read /proc/PID/maps
        // only before LLamaSharp loaded). The dynamic loader's own log names every native library the process
        // initialised, whenever it did: LD_DEBUG=libs writes it to ld.PID in the folder.
        var loaderLog = Path.Combine(temp.Path, "loader");
        Directory.CreateDirectory(loaderLog);
        psi.Environment["LD_DEBUG"] = "libs";
        psi.Environment["LD_DEBUG_OUTPUT"] = Path.Combine(loaderLog, "ld");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Managed assemblies are mapped, not loaded by the dynamic loader: sampled while it runs (a check that can miss
        // a short-lived mapping, never report a false one).
        var seen = new HashSet<string>();
        using var cts = new CancellationTokenSource(Timeout);
        while (!process.HasExited && !cts.IsCancellationRequested)
        {
            try { seen.UnionWith(MappedLibraries(await File.ReadAllTextAsync($"/proc/{process.Id}/maps", cts.Token))); }
            catch (IOException) { }   // ended between the check and the read
            await Task.Delay(10);
        }
        await process.WaitForExitAsync(cts.Token);

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.StartsWith(", there was", await stdout);
        seen.UnionWith(InitialisedLibraries(loaderLog));
        AssertLlamaCppWithoutTorch(seen);
    }

    /// <summary>File names of the native libraries the dynamic loader initialised ("calling init: PATH" in its log).</summary>
    static IEnumerable<string> InitialisedLibraries(string loaderLog) =>
        Directory.EnumerateFiles(loaderLog)
            .SelectMany(File.ReadLines)
            .Select(line => line.IndexOf("calling init: ", StringComparison.Ordinal) is var at and >= 0
                ? Path.GetFileName(line[(at + "calling init: ".Length)..].Trim()) : null)
            .OfType<string>();

    static void AssertLlamaCppWithoutTorch(IReadOnlyCollection<string> libraries)
    {
        var all = string.Join(", ", libraries.Order());
        Assert.True(libraries.Any(l => l.StartsWith("libllama", StringComparison.Ordinal)), $"llama.cpp is not mapped: {all}");
        Assert.DoesNotContain(libraries, l => l.StartsWith("libtorch", StringComparison.Ordinal) || l.StartsWith("libLibTorchSharp", StringComparison.Ordinal));
        // TorchSharp's managed assembly too: once it is loaded, a static constructor away from libtorch.
        Assert.DoesNotContain("TorchSharp.dll", libraries);
    }

    /// <summary>File names of what the process has mapped (native libraries and managed assemblies).</summary>
    static HashSet<string> MappedLibraries(string maps) =>
        maps.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].StartsWith('/'))
            .Select(fields => Path.GetFileName(fields[5]))
            .ToHashSet();

    /// <summary>stories15M as a GGUF file, written by `llamaduo export` (that process loads TorchSharp; the tested ones must not).</summary>
    static async Task<string> ExportAsync(string dir)
    {
        var gguf = Path.Combine(dir, "stories15m.gguf");
        var (code, output) = await CliProcess.RunAsync(dir, Timeout, "export", "--model", "stories15m", "--quant", "f16", "--out", gguf);
        Assert.True(code == 0, output);
        return gguf;
    }

    static string CliDll => Path.Combine(AppContext.BaseDirectory, "llamaduo.dll");

    static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
