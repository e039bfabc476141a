using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlamaDuo.Service.Tests.Demo;

/// <summary>A request as the stub server saw it on the wire.</summary>
sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>What the stub answers: status, JSON body, extra headers, and an optional delay.</summary>
sealed record StubReply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, int DelayMs = 0);

/// <summary>
/// A loopback HTTP server (HttpListener) that records every request and answers from a script, for wire-format
/// tests and for faults the demo service draws at random (we need them in a fixed order here).
/// </summary>
sealed class StubServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly Func<int, RecordedRequest, StubReply> _script;
    int _count, _inFlight, _maxInFlight;

    public StubServer(Func<int, RecordedRequest, StubReply> script)
    {
        _script = script;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    async Task AcceptLoop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => Serve(ctx));
        }
    }

    async Task Serve(HttpListenerContext ctx)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen) { }
        var finished = 0;
        // Counted out before the reply's last bytes leave: once they have, the client may send its next request at once.
        void Finish() { if (Interlocked.Exchange(ref finished, 1) == 0) Interlocked.Decrement(ref _inFlight); }
        try
        {
            using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = ctx.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!.ToLowerInvariant(), k => ctx.Request.Headers[k]!);
            var request = new RecordedRequest(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, headers, body);
            Requests.Enqueue(request);
            var reply = _script(Interlocked.Increment(ref _count) - 1, request);
            if (reply.DelayMs > 0) await Task.Delay(reply.DelayMs);
            ctx.Response.StatusCode = reply.Status;
            ctx.Response.ContentType = "application/json";
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) ctx.Response.Headers[name] = value;
            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            await ctx.Response.OutputStream.WriteAsync(bytes);
            Finish();
            ctx.Response.Close();
        }
        catch (Exception)
        {
            // The client hung up (a timeout test); nothing to answer.
        }
        finally
        {
            Finish();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
