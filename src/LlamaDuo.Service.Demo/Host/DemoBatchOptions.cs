namespace LlamaDuo.Service.Demo.Host;

/// <summary>
/// How the demo service's batch endpoints (OpenAI Batch, Anthropic Message Batches) behave: how long each phase
/// takes, so a poller sees validating/in_progress before completed, and which lines fail, for tests of error files
/// and errored/expired results.
/// </summary>
public sealed record DemoBatchOptions
{
    /// <summary>Time spent in each phase (validating, in_progress, finalizing), in milliseconds.</summary>
    public int StepMs { get; init; } = 100;

    /// <summary>Share of lines that fail with a server error (error file / errored result); chosen by a hash of the custom id.</summary>
    public double FailRate { get; init; }

    /// <summary>When set, only this many lines are answered and the rest expire (the batch ends as expired).</summary>
    public int? ExpireAfter { get; init; }

    /// <summary>The first this-many OpenAI batch creates make the batch but answer 500, as an answer lost on the way back would.</summary>
    public int LoseCreateAnswers { get; init; }
}
