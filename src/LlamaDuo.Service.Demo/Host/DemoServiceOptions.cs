namespace LlamaDuo.Service.Demo.Host;

/// <summary>How the demo service (a deterministic stand-in, not a language model) runs.</summary>
public sealed record DemoServiceOptions
{
    /// <summary>The model id it lists and accepts.</summary>
    public const string ModelId = "llamaduo-demo-service";

    /// <summary>The model name on every response: says plainly what this is.</summary>
    public const string ResponseModel = "llamaduo-demo-service (stand-in, not a language model)";

    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Delay before each answer, to play a remote service's latency.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Fault rates per request.</summary>
    public FaultSpec Faults { get; init; } = FaultSpec.None;

    /// <summary>Seed of the fault draws.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Retry-After (seconds) sent with an injected 429.</summary>
    public int RetryAfterS { get; init; } = 1;

    /// <summary>How long an injected timeout hangs (unless the client hangs up first).</summary>
    public int HangMs { get; init; } = 120_000;
}
