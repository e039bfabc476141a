namespace LlamaDuo.Pipeline.Store;

/// <summary>Status words of a run in run.db.</summary>
internal static class RunStatus
{
    /// <summary>Folder and store exist; nothing has run yet.</summary>
    public const string Created = "created";
    public const string Running = "running";
    /// <summary>A round met the pass rule.</summary>
    public const string Passed = "passed";
    /// <summary>Max rounds or a budget reached without a passing round.</summary>
    public const string Stopped = "stopped";
    /// <summary>A stage threw; the run can be resumed once the cause is fixed.</summary>
    public const string Failed = "failed";
}
