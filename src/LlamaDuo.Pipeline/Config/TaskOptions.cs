namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>task</c> section: what is being migrated, in words the judge and the synthesizer can use.</summary>
public sealed record TaskOptions
{
    /// <summary>Short name of the task; used in run ids and reports.</summary>
    public string Name { get; init; } = "task";

    /// <summary>The task's topic, given to the synthesizer so new rows stay on it.</summary>
    public string Topic { get; init; } = "";

    /// <summary>System prompt used for training, inference and the service; null for none.</summary>
    public string? SystemPrompt { get; init; }
}
