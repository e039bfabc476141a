namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// The <c>student.external</c> section, used when <c>student.backend</c> is external: how the job folder is launched and
/// how long the loop waits for the PEFT adapter to appear in job/output/adapter.
/// </summary>
public sealed record ExternalTrainingOptions
{
    /// <summary>Template for launch.sh: local, accelerate, ray, kubernetes, slurm or custom.</summary>
    public ExternalLauncher Launcher { get; init; } = ExternalLauncher.Local;

    /// <summary>
    /// The shell command the loop runs in the job folder; null runs `bash launch.sh`. Placeholders: {job} (absolute job
    /// folder), {launch} (launch.sh), {output} (job/output), {data} (job/train.jsonl), {config} (job/trl_sft.yaml).
    /// </summary>
    public string? Command { get; init; }

    /// <summary>
    /// Optional shell command run in the job folder at each poll while the adapter is not there yet (for launchers that
    /// return at once, like `kubectl apply`): exit 0 means still running, any other exit fails the stage with its output.
    /// Same placeholders as command.
    /// </summary>
    public string? StatusCommand { get; init; }

    /// <summary>Seconds between checks for the adapter after the command returned.</summary>
    public double PollSeconds { get; init; } = 5;

    /// <summary>Minutes to wait for the launcher and the adapter together before the stage fails.</summary>
    public double TimeoutMinutes { get; init; } = 240;

    /// <summary>Container image of the Kubernetes Job (a Python image with torch, trl, peft and accelerate).</summary>
    public string Image { get; init; } = "huggingface/trl";

    /// <summary>GPUs asked for by the Kubernetes, Slurm and accelerate templates.</summary>
    public int Gpus { get; init; } = 1;
}
