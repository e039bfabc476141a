using System.Globalization;

namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// The paths of one run folder, which reads like the pipeline:
/// <code>
/// runs/&lt;id&gt;/config.yaml  data/{train,test}.jsonl  round-00/{...}  round-01/{...}  export/  report.html  ledger.jsonl  run.db
/// </code>
/// </summary>
public sealed record RunFolder(string Root)
{
    public string Id => System.IO.Path.GetFileName(Root.TrimEnd('/'));
    public string ConfigPath => Path("config.yaml");
    public string DataDir => Path("data");
    public string TrainPath => Path("data", "train.jsonl");
    public string TestPath => Path("data", "test.jsonl");
    public string ExportDir => Path("export");
    public string ReportPath => Path("report.html");
    public string LedgerPath => Path("ledger.jsonl");
    public string DbPath => Path("run.db");

    /// <summary>round-00, round-01, ...: everything one round of the loop writes.</summary>
    public string RoundDir(int round) => Path($"round-{round.ToString("00", CultureInfo.InvariantCulture)}");

    /// <summary>A file inside a round folder, for example RoundFile(1, "judgements.jsonl").</summary>
    public string RoundFile(int round, string name) => System.IO.Path.Combine(RoundDir(round), name);

    /// <summary>A new run id: UTC time then the task name, so folders sort by age: 20261128-134501-classify.</summary>
    public static string NewId(string taskName, DateTimeOffset now)
    {
        var safe = new string(taskName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');
        return $"{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{(safe.Length == 0 ? "run" : safe)}";
    }

    /// <summary>Creates the folder and its data/ and export/ subfolders.</summary>
    public RunFolder Create()
    {
        Directory.CreateDirectory(DataDir);
        Directory.CreateDirectory(ExportDir);
        return this;
    }

    string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
