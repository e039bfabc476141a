using System.ClientModel;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace LlamaDuo.Server.Tests;

/// <summary>`llamaduo serve` as a user runs it: a real process on stories15M, the key from the environment, SIGTERM.</summary>
public sealed class ServeCommandTests
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Serve_with_a_key_answers_the_openai_client_refuses_401_and_400_and_stops_cleanly_on_sigterm()
    {
        var port = CliProcess.FreePort();
        using var cli = CliProcess.Start(["serve", "--model", "stories15m", "--port", port.ToString(), "--api-key-env", "H8_TEST_KEY"],
            new Dictionary<string, string> { ["H8_TEST_KEY"] = "sk-cli-secret" });
        var banner = await cli.WaitForBannerAsync(StartTimeout);
        Assert.Contains($"http://127.0.0.1:{port}/v1", banner);

        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/models")).StatusCode);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("{\"messages\":", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", "sk-cli-secret");
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.SendAsync(request)).StatusCode);

        var client = new OpenAIClient(new ApiKeyCredential("sk-cli-secret"), new OpenAIClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/v1") });
        ChatCompletion reply = await client.GetChatClient("stories15m").CompleteChatAsync([new UserChatMessage("Once upon a time")],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 12 });
        Assert.StartsWith(reply.Content[0].Text, Stories15MServer.Golden);

        cli.Terminate();
        Assert.Equal(0, await cli.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("sk-cli-secret", cli.Stderr);
    }

    [Fact]
    public async Task A_killed_servers_temporary_model_is_deleted_by_the_next_server_and_a_stopped_server_deletes_its_own()
    {
        var tmp = Directory.CreateTempSubdirectory("llamaduo-tmpdir-").FullName;
        try
        {
            var env = new Dictionary<string, string> { ["TMPDIR"] = tmp };
            var root = Path.Combine(tmp, "llamaduo-serve");
            string stale;
            using (var killed = CliProcess.Start(["serve", "--model", "stories15m", "--port", CliProcess.FreePort().ToString()], env))
            {
                await killed.WaitForBannerAsync(StartTimeout);
                var model = Assert.Single(Directory.GetFiles(root, "*.gguf", SearchOption.AllDirectories));
                Assert.True(new FileInfo(model).Length > 50_000_000, "the fp32 stories15M export");
                stale = Path.GetDirectoryName(model)!;
                killed.Kill();
            }
            Assert.True(Directory.Exists(stale), "kill -9 leaves the folder");

            using var next = CliProcess.Start(["serve", "--model", "stories15m", "--port", CliProcess.FreePort().ToString()], env);
            await next.WaitForBannerAsync(StartTimeout);
            Assert.False(Directory.Exists(stale), "the next server deletes what the killed one left");
            Assert.Single(Directory.GetDirectories(root)); // its own

            next.Terminate();
            Assert.Equal(0, await next.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_exits_2_with_a_clear_message()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        using var cli = CliProcess.Start(["serve", "--model", "stories15m", "--port", port.ToString()]);

        Assert.Equal(2, await cli.WaitForExitAsync(StartTimeout));
        Assert.Contains("already in use", cli.Stderr);
    }

    [Theory]
    [InlineData(new[] { "serve", "--model", "stories15m", "--host", "0.0.0.0" }, "--allow-remote")]
    [InlineData(new[] { "serve", "--model", "stories15m", "--api-key-env", "H8_SURELY_UNSET_VAR" }, "H8_SURELY_UNSET_VAR")]
    [InlineData(new[] { "serve" }, "--model")]
    [InlineData(new[] { "serve", "--model", "stories15m", "--engine", "vllm" }, "--engine")]
    [InlineData(new[] { "serve", "--model", "stories15m", "--allowed-host", "http://evil.example:80" }, "--allowed-host")]
    public async Task Bad_serve_options_exit_2_naming_the_problem(string[] args, string named)
    {
        using var cli = CliProcess.Start(args);

        Assert.Equal(2, await cli.WaitForExitAsync(StartTimeout));
        Assert.Contains(named, cli.Stderr);
    }

    [Fact]
    public async Task Serve_run_without_an_exported_model_says_what_to_do()
    {
        var run = Directory.CreateTempSubdirectory("llamaduo-run-").FullName;
        try
        {
            using var cli = CliProcess.Start(["serve", "--run", run]);
            Assert.Equal(2, await cli.WaitForExitAsync(StartTimeout));
            Assert.Contains(Path.Combine("export", "model.gguf"), cli.Stderr);
            Assert.Contains("llamaduo export", cli.Stderr);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }
}
