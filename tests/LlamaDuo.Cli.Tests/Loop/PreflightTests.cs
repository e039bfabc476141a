using System.Net;
using System.Net.Sockets;
using System.Text;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// A dead or misconfigured service is found before the first stage: `llamaduo run` against a loopback port nobody
/// listens on, and against a loopback server that answers 401, stops with exit 2 and the config key to fix, before
/// any training, after one HTTP request (401, never retried) or two (a refused connection: one retry).
/// </summary>
public class PreflightTests
{
    [Fact]
    public async Task An_unreachable_service_stops_the_run_before_training()
    {
        using var temp = new RepoPaths.Temp();
        string deadUrl;
        await using (var gone = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, []))
            deadUrl = gone.BaseUrl; // closed again: nothing listens there now
        var (code, output, run) = await RunAsync(temp.Path, deadUrl);

        Assert.True(code == 2, output);
        Assert.Contains("preflight", output);
        Assert.Contains("cannot be reached", output);
        Assert.Contains("field 'service.base_url'", output);
        AssertNothingTrained(run);
        using var store = RunStore.Open(run);
        var call = Assert.Single(store.Calls());
        Assert.Equal(("preflight", "failed"), (call.Stage, call.Status));
        Assert.Contains("\"attempts\":2", File.ReadAllText(Path.Combine(run, "ledger.jsonl"))); // one retry, not the config's 6
    }

    [Fact]
    public async Task A_service_that_refuses_the_key_is_asked_once_and_stops_the_run_before_training()
    {
        using var temp = new RepoPaths.Temp();
        using var refusing = new RefusingServer();
        var (code, output, run) = await RunAsync(temp.Path, refusing.BaseUrl);

        Assert.True(code == 2, output);
        Assert.Contains("refused the key (HTTP 401)", output);
        Assert.Contains("field 'service.api_key_env'", output);
        Assert.Equal(1, refusing.Requests);
        AssertNothingTrained(run);
    }

    static async Task<(int Code, string Output, string Run)> RunAsync(string dir, string baseUrl)
    {
        var config = QuickstartConfig.Fast(baseUrl);
        var path = Path.Combine(dir, "config.yaml");
        File.WriteAllText(path, config.ToYaml());
        var run = Path.Combine(dir, "run");
        var (code, output) = await CliProcess.RunAsync(dir, TimeSpan.FromMinutes(3), "run", path, "--run-dir", run);
        return (code, output, run);
    }

    static void AssertNothingTrained(string run)
    {
        using var store = RunStore.Open(run);
        Assert.Null(store.GetStage(0, "train"));
        Assert.Equal(RunStatus.Failed, store.Run.Status);
        Assert.False(Directory.Exists(Path.Combine(run, "round-00")));
    }

    /// <summary>An OpenAI-shaped endpoint that answers every request 401, and counts them.</summary>
    sealed class RefusingServer : IDisposable
    {
        readonly HttpListener _listener = new();
        int _requests;

        public RefusingServer()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUrl = $"http://127.0.0.1:{port}/v1";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string BaseUrl { get; }
        public int Requests => Volatile.Read(ref _requests);

        async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                Interlocked.Increment(ref _requests);
                ctx.Response.StatusCode = 401;
                ctx.Response.ContentType = "application/json";
                var body = Encoding.UTF8.GetBytes("""{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}""");
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
