using System.Runtime.Serialization;

namespace LlamaDuo.Pipeline.Config;

/// <summary>Where the train stage runs: our TorchSharp trainer in-process, or an external engine via a job folder.</summary>
public enum TrainingBackend
{
    [EnumMember(Value = "torch")] Torch,
    [EnumMember(Value = "external")] External,
}
