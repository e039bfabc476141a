using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Dedup;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Bench;

/// <summary>
/// <c>llamaduo bench dedup</c>: dedup throughput (rows/s for a whole <see cref="Deduplicator"/> pass: exact, MinHash
/// LSH, ROUGE-L confirmation) on rows built from the real shared datasets plus splices and perturbed copies, and its
/// recall against an exact all-pairs Jaccard check on a smaller sample. Ends with one key=value line:
/// <c>dedup_recall</c> is the share of pairs with exact Jaccard &gt;= threshold that MinHash LSH proposes;
/// <c>dedup_row_recall</c> is the share of rows with an earlier such partner that the whole pipeline drops (lower:
/// ROUGE-L confirmation rejects some heavily edited pairs on purpose, and a row is compared with kept rows only).
/// </summary>
internal sealed class BenchDedupCommand : Command<BenchDedupCommand.Settings>
{
    /// <summary>Options of <c>llamaduo bench dedup</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--quick")]
        [Description("Short run: 20K rows and a 2K recall sample (unless given explicitly).")]
        public bool Quick { get; init; }

        [CommandOption("--rows <N>")]
        [Description("Rows for the throughput run (default 100000; 20000 with --quick).")]
        public int? Rows { get; init; }

        [CommandOption("--sample <N>")]
        [Description("Rows for the exact all-pairs recall check (default 5000; 2000 with --quick).")]
        public int? Sample { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Folder of real JSONL data (default: ../shared/data next to the repository, or $LLAMADUO_SHARED_DATA).")]
        public string? Data { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Rows is < 100 or > 2_000_000 ? Spectre.Console.ValidationResult.Error("--rows must be between 100 and 2000000")
            : Sample is < 100 or > 20_000 ? Spectre.Console.ValidationResult.Error("--sample must be between 100 and 20000")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        int rows = settings.Rows ?? (settings.Quick ? 20_000 : 100_000);
        int sample = settings.Sample ?? (settings.Quick ? 2_000 : 5_000);
        string data = DataFolder(settings.Data);
        var options = new DedupOptions();

        var real = DedupWorkload.RealTexts(data);
        Console.Error.WriteLine($"bench dedup: {real.Count} distinct real rows from {data}; Jaccard {options.JaccardThreshold} on word {options.ShingleSize}-shingles, " +
                                $"ROUGE-L {options.RougeLThreshold}, {options.Permutations} permutations");
        var workload = DedupWorkload.Build(real, rows, originals: real.Count, seed: 1);
        var dedup = new Deduplicator(options);
        Console.Error.WriteLine($"LSH: {dedup.Lsh.Bands} bands x {dedup.Lsh.Rows} rows (false-positive area {dedup.Lsh.FalsePositiveArea:0.0000}, false-negative area {dedup.Lsh.FalseNegativeArea:0.0000})");

        // CPU time alongside wall time: on a shared machine the wall-clock rate mostly measures the neighbours.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = dedup.Run(workload, [], []);
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        double rowsPerSecond = rows / seconds;
        Console.WriteLine($"throughput: {rows} rows in {seconds:0.00} s wall ({cpuSeconds:0.00} s CPU, load average {LoadAverage()}) = " +
                          $"{rowsPerSecond:0} rows/s, {rows / cpuSeconds:0} rows per CPU-second; kept {result.Kept.Count}; " +
                          string.Join(", ", result.Counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));

        var sampleRows = DedupWorkload.Build(real, sample, originals: sample * 2 / 5, seed: 2);
        clock.Restart();
        var check = DedupRecallCheck.Run(sampleRows, options);
        Console.WriteLine($"recall sample: {check.Rows} rows, {check.TruePairs} pairs with exact Jaccard >= {options.JaccardThreshold} " +
                          $"(all {(long)check.Rows * (check.Rows - 1) / 2} pairs checked, {clock.Elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine($"  LSH proposes {check.LshPairRecall:P2} of those pairs; dedup drops {check.RowRecall:P2} of the {check.RowsWithEarlierPartner} rows " +
                          $"that have an earlier near duplicate; {check.DroppedWithoutPartner} rows dropped without one (ROUGE-L confirmed)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dedup_rows_per_s={rowsPerSecond:0} dedup_recall={check.LshPairRecall:0.0000} dedup_row_recall={check.RowRecall:0.0000} rows={rows} sample={sample}"));
        return 0;
    }

    static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    static string DataFolder(string? given)
    {
        var candidates = new List<string?> { given, Environment.GetEnvironmentVariable("LLAMADUO_SHARED_DATA") };
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            candidates.Add(Path.Combine(dir.FullName, "shared", "data"));
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            candidates.Add(Path.Combine(dir.FullName, "shared", "data"));
        var found = candidates.FirstOrDefault(c => c is not null && Directory.Exists(c) && Directory.EnumerateFiles(c, "*.jsonl", SearchOption.AllDirectories).Any());
        return found ?? throw new InputException("no folder of real JSONL data found; pass --data DIR (e.g. ../shared/data)", field: "--data", value: given);
    }
}
