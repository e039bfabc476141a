using System.Diagnostics;
using OpenAI;
using OpenAI.Chat;

namespace LlamaDuo.Server.Tests;

/// <summary>
/// The CLI as a .NET tool: `dotnet pack` it, install the package into a temporary tool path, and generate with
/// stories15M on the TorchSharp engine through the installed `llamaduo` (which only works when the patched
/// libLibTorchSharp travelled inside the package). Slow (pack + install of ~150 MB), so tagged Bench.
/// </summary>
public sealed class ToolPackageTests
{
    [Fact]
    [Trait("Category", "Bench")]
    public async Task Packed_tool_installs_into_a_tool_path_and_serves_stories15m_on_torch()
    {
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("llamaduo-tool-").FullName;
        try
        {
            var packages = Path.Combine(work, "packages");
            var tools = Path.Combine(work, "tools");
            await RunAsync("dotnet", ["pack", Path.Combine(root, "src", "LlamaDuo.Cli"), "-c", "Release", "-o", packages, "-nologo"], TimeSpan.FromMinutes(10));
            Assert.Single(Directory.GetFiles(packages, "LlamaDuo.*.nupkg"));
            await RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "--ignore-failed-sources", "LlamaDuo"], TimeSpan.FromMinutes(5));

            var port = CliProcess.FreePort();
            using var cli = CliProcess.Start(["serve", "--model", "stories15m", "--engine", "torch", "--port", port.ToString()],
                executable: Path.Combine(tools, "llamaduo"));
            await cli.WaitForBannerAsync(TimeSpan.FromMinutes(2));
            var client = new OpenAIClient(new System.ClientModel.ApiKeyCredential("unused"),
                new OpenAIClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/v1") });
            ChatCompletion reply = await client.GetChatClient("stories15m").CompleteChatAsync([new UserChatMessage("Once upon a time")],
                new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 20 });

            Assert.StartsWith(reply.Content[0].Text, Stories15MServer.Golden);
            Assert.True(reply.Content[0].Text.Length > 40);
            cli.Terminate();
            Assert.Equal(0, await cli.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LlamaDuo.slnx"))) return dir.FullName;
        throw new InvalidOperationException("LlamaDuo.slnx not found above the test output folder");
    }

    static async Task RunAsync(string file, string[] args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}\n{await errors}");
    }
}
