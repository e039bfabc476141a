using LlamaDuo.Service.Providers;

namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>judge.second_judge</c> section: an optional judge from another model family, to spot self-preference.</summary>
public sealed record SecondJudgeOptions
{
    public ServiceProvider Provider { get; init; } = ServiceProvider.Anthropic;

    public string Model { get; init; } = "claude-3-5-sonnet-latest";

    public string? BaseUrl { get; init; }

    public string? ApiKeyEnv { get; init; }
}
