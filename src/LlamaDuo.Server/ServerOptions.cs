namespace LlamaDuo.Server;

/// <summary>
/// How the server listens and how much work it takes on. Defaults are the safe ones: loopback only, no key,
/// one generation at a time with a bounded queue behind it.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>Host or IP to bind. Anything that is not loopback needs <see cref="AllowNonLoopback"/>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (read the chosen one from <see cref="LlamaDuoServer.BaseUrl"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Explicit consent to listen beyond this machine.</summary>
    public bool AllowNonLoopback { get; init; }

    /// <summary>When set, every /v1/* request must carry <c>Authorization: Bearer &lt;key&gt;</c>. Never logged.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Generations that may run at the same time.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Requests that may wait for a generation slot; one more is answered 429 with Retry-After.</summary>
    public int QueueLimit { get; init; } = 64;

    /// <summary>
    /// Largest <c>n</c> (choices per request, times the prompts of a completions array) accepted; never more than
    /// <see cref="Parallel"/>, since a request's choices run at once, one slot each.
    /// </summary>
    public int MaxChoices { get; init; } = 16;

    /// <summary>Largest request body in bytes; a bigger one is refused with 413 before it is read.</summary>
    public long MaxRequestBodyBytes { get; init; } = 1 << 20;

    /// <summary>Most chat messages one request may hold.</summary>
    public int MaxMessages { get; init; } = 1024;

    /// <summary>
    /// Host header values served besides the defaults (<c>localhost</c>, <c>*.localhost</c> and IP literals, which DNS
    /// rebinding cannot use): names such as <c>gpu-box.lan</c>, <c>*.example.org</c> for its subdomains, or <c>*</c> for
    /// any. Any other Host is refused with 403, so a web page cannot reach this server through a rebound name.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>How long shutdown waits for requests in flight before cutting them off.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Log one line per request (method, path, status, time) and server errors to stderr. Never headers or bodies.</summary>
    public bool LogToConsole { get; init; }

    /// <summary>Seconds suggested to a client turned away with 429.</summary>
    public int RetryAfterSeconds { get; init; } = 1;
}
