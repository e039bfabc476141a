using System.Runtime.Serialization;

namespace LlamaDuo.Pipeline.Config;

/// <summary>The template launch.sh is rendered from when the train backend is external.</summary>
public enum ExternalLauncher
{
    /// <summary>Our own trainer as a separate process (`llamaduo train`), for example on another machine.</summary>
    [EnumMember(Value = "local")] Local,
    /// <summary>`accelerate launch` of TRL's SFT script with trl_sft.yaml.</summary>
    [EnumMember(Value = "accelerate")] Accelerate,
    /// <summary>`ray job submit` of the accelerate command to a Ray cluster.</summary>
    [EnumMember(Value = "ray")] Ray,
    /// <summary>`kubectl apply` of a Kubernetes Job manifest, then `kubectl wait` for it.</summary>
    [EnumMember(Value = "kubernetes")] Kubernetes,
    /// <summary>`sbatch --wait` of a Slurm batch script.</summary>
    [EnumMember(Value = "slurm")] Slurm,
    /// <summary>Only the configured command; launch.sh just runs it.</summary>
    [EnumMember(Value = "custom")] Custom,
}
