using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlamaDuo.Core.Telemetry;
using LlamaDuo.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Server;

/// <summary>
/// `serve` metrics under the meter <see cref="LlamaDuoTelemetry.ServerMeterName"/>, every one tagged with the server's
/// port (several servers can share a process): requests and errors by route and status, time to first token of
/// streamed answers, generation tokens/s, and the queue length and running generations as gauges. With no listener
/// the instruments record nothing. Hooked in with one middleware and one chat-client wrapper per model.
/// The meter and its instruments are process-wide, one set for every server: a meter per server would register the
/// same instrument names several times, and disposing one server's meter makes OpenTelemetry drop the shared stream
/// (seen as another server's requests never reaching the exporter). The gauges report every live server.
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    static readonly Meter Meter = new(LlamaDuoTelemetry.ServerMeterName);
    static readonly Counter<long> Requests = Meter.CreateCounter<long>("llamaduo.server.requests", "{request}", "HTTP requests answered, by route and status.");
    static readonly Counter<long> Errors = Meter.CreateCounter<long>("llamaduo.server.errors", "{request}", "Requests answered with a 4xx or 5xx status (or that failed before answering).");
    static readonly Histogram<double> FirstToken = Meter.CreateHistogram<double>("llamaduo.server.time_to_first_token", "s", "From the start of a streamed generation to its first text.");
    static readonly Histogram<double> TokensPerSecond = Meter.CreateHistogram<double>("llamaduo.server.tokens_per_second", "{token}/s", "Completion tokens per second of one generation.");
    static readonly List<ServerMetrics> Live = [];

    static ServerMetrics()
    {
        Meter.CreateObservableGauge("llamaduo.server.queue_length", () => Each(m => m._queued()), "{request}", "Requests waiting for a generation slot.");
        Meter.CreateObservableGauge("llamaduo.server.running", () => Each(m => m._running()), "{generation}", "Generations running now.");
    }

    static List<Measurement<long>> Each(Func<ServerMetrics, long> read)
    {
        lock (Live) return Live.Select(m => new Measurement<long>(read(m), m._port)).ToList();
    }

    readonly Func<long> _queued;
    readonly Func<long> _running;
    KeyValuePair<string, object?> _port = new("server.port", 0);

    internal ServerMetrics(Func<long> queued, Func<long> running)
    {
        (_queued, _running) = (queued, running);
        lock (Live) Live.Add(this);
    }

    /// <summary>The port the server bound (set once it listens, before any request).</summary>
    internal int Port { set => _port = new("server.port", value); }

    /// <summary>The model with its chat clients measured (time to first token, tokens/s).</summary>
    internal ServedModel Wrap(ServedModel model) => model with
    {
        Chat = new MeteredChatClient(model.Chat, this),
        Completion = model.Completion is { } c ? new MeteredChatClient(c, this) : null,
    };

    /// <summary>Counts each request by route and status once it is answered (outside the error translator, so translated errors count with their status).</summary>
    internal RequestDelegate Middleware(RequestDelegate next) => async http =>
    {
        var failed = true;
        try
        {
            await next(http);
            failed = false;
        }
        finally
        {
            var status = failed && !http.Response.HasStarted ? 500 : http.Response.StatusCode;
            var tags = new TagList { _port, { "http.route", http.Request.Path.Value }, { "http.response.status_code", status } };
            Requests.Add(1, tags);
            if (failed || status >= 400) Errors.Add(1, tags);
        }
    };

    void Generated(double seconds, long completionTokens, double? firstToken)
    {
        if (firstToken is { } f) FirstToken.Record(f, _port);
        if (completionTokens > 0 && seconds > 0) TokensPerSecond.Record(completionTokens / seconds, _port);
    }

    /// <summary>The server's gauges stop reporting; the process-wide instruments stay.</summary>
    public void Dispose()
    {
        lock (Live) Live.Remove(this);
    }

    /// <summary>Times one generation; streamed ones also to their first non-empty text.</summary>
    sealed class MeteredChatClient(IChatClient inner, ServerMetrics metrics) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            metrics.Generated(Stopwatch.GetElapsedTime(started).TotalSeconds, response.Usage?.OutputTokenCount ?? 0, null);
            return response;
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            double? first = null;
            long updates = 0, reported = 0;
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                if (update.Text.Length > 0)
                {
                    first ??= Stopwatch.GetElapsedTime(started).TotalSeconds;
                    updates++;
                }
                foreach (var usage in update.Contents.OfType<UsageContent>()) reported = usage.Details.OutputTokenCount ?? reported;
                yield return update;
            }
            // Engines stream about one token per update; their usage count wins when they give one.
            metrics.Generated(Stopwatch.GetElapsedTime(started).TotalSeconds, reported > 0 ? reported : updates, first);
        }
    }
}
