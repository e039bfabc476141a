using System.Diagnostics;
using System.Text.Json;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Training;

namespace LlamaDuo.Pipeline.Training;

/// <summary>
/// The external train backend: writes a job folder (train.jsonl, data/train.parquet, trl_sft.yaml, launch.sh), runs
/// the launcher command there, waits for a PEFT adapter in job/output/adapter, checks it loads, and imports it into
/// the train folder with a train_result.json, so the rest of the loop sees what our own trainer would have left.
/// Running it again after a failure relaunches (the local template resumes from its checkpoint); an adapter that
/// already arrived is imported without relaunching.
/// </summary>
internal static class ExternalTrainer
{
    public const string LogFile = "launcher.log";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<TrainResult> RunAsync(StudentOptions student, IReadOnlyList<CoverageRow> rows, string jobDir, string outDir,
        string? initAdapter, Action<string> say, CancellationToken ct)
    {
        jobDir = Path.GetFullPath(jobDir);
        var adapterOut = Path.Combine(jobDir, "output", "adapter");
        await WriteJobAsync(student, rows, jobDir, initAdapter, ct);
        var ext = student.External;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(ext.TimeoutMinutes);
        if (PeftAdapterFiles.Exists(adapterOut))
            say("the adapter is already in the job folder; importing it without relaunching");
        else
        {
            var command = Command(ext, jobDir);
            say($"{ext.Launcher.ToString().ToLowerInvariant()} launcher: {command} (log: {Path.Combine(jobDir, LogFile)})");
            await RunLauncherAsync(command, jobDir, deadline, ct);
        }
        string? loadError = null;
        while (!TryLoad(adapterOut, out loadError))
        {
            if (DateTime.UtcNow >= deadline)
                throw new InputException($"the external trainer left no valid PEFT adapter within {ext.TimeoutMinutes} minutes ({loadError}); fix the job and rerun with --resume", adapterOut);
            if (ext.StatusCommand is not null) await CheckStatusAsync(LaunchTemplates.Fill(ext.StatusCommand, jobDir), jobDir, deadline, ct);
            await Task.Delay(TimeSpan.FromSeconds(ext.PollSeconds), ct);
        }
        return Import(student, jobDir, adapterOut, outDir);
    }

    /// <summary>Writes the job folder's data, configs and scripts (all rewritten on each run, so they follow the config).</summary>
    public static async Task WriteJobAsync(StudentOptions student, IReadOnlyList<CoverageRow> rows, string jobDir, string? initAdapter, CancellationToken ct)
    {
        Directory.CreateDirectory(jobDir);
        DatasetFile.Write(Path.Combine(jobDir, "train.jsonl"), rows);
        await TrainParquetFile.WriteAsync(Path.Combine(jobDir, "data", "train.parquet"), rows, ct);
        File.WriteAllText(Path.Combine(jobDir, "trl_sft.yaml"), TrlSftConfig.Render(student, jobDir));
        var init = Path.Combine(jobDir, "init_adapter");
        if (initAdapter is not null)
        {
            Directory.CreateDirectory(init);
            foreach (var name in new[] { PeftAdapterFiles.ConfigFile, PeftAdapterFiles.WeightsFile })
                File.Copy(Path.Combine(initAdapter, name), Path.Combine(init, name), overwrite: true);
        }
        var jobName = JobName(jobDir);
        foreach (var (name, text) in LaunchTemplates.Render(student, jobDir, jobName, initAdapter is not null))
            File.WriteAllText(Path.Combine(jobDir, name), text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(jobDir, "launch.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>The configured command with its placeholders filled (custom: launch.sh holds it), else `bash launch.sh`.</summary>
    public static string Command(ExternalTrainingOptions ext, string jobDir) =>
        ext.Command is null || ext.Launcher == ExternalLauncher.Custom ? "bash launch.sh" : LaunchTemplates.Fill(ext.Command, jobDir);

    /// <summary>A Kubernetes-, Ray- and Slurm-safe name: run folder and round, lower case, [a-z0-9-].</summary>
    static string JobName(string jobDir)
    {
        var round = Path.GetFileName(Path.GetDirectoryName(jobDir)) ?? "round";
        var run = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(jobDir))) ?? "run";
        var name = new string($"llamaduo-{run}-{round}".ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        return name.Length > 63 ? name[..63].TrimEnd('-') : name.TrimEnd('-');
    }

    static Task RunLauncherAsync(string command, string jobDir, DateTime deadline, CancellationToken ct) =>
        RunLoggedAsync(command, jobDir, deadline, "the external training launcher", ct);

    static Task CheckStatusAsync(string command, string jobDir, DateTime deadline, CancellationToken ct) =>
        RunLoggedAsync(command, jobDir, deadline, "the external training job's status command", ct);

    /// <summary>Runs a shell command in the job folder, its output appended to launcher.log; non-zero exit or timeout throws.</summary>
    static async Task RunLoggedAsync(string command, string jobDir, DateTime deadline, string what, CancellationToken ct)
    {
        var logPath = Path.Combine(jobDir, LogFile);
        await using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"# {DateTime.UtcNow:O} $ {command}");
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = jobDir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var process = new Process { StartInfo = psi };
        var gate = new object();
        DataReceivedEventHandler write = (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.OutputDataReceived += write;
        process.ErrorDataReceived += write;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(deadline - DateTime.UtcNow is { } left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            throw new InputException($"{what} ran past student.external.timeout_minutes and was stopped; see its log", logPath);
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string tail;
            lock (gate) tail = string.Join(" | ", File.ReadLines(logPath).TakeLast(5));
            throw new InputException($"{what} exited with code {process.ExitCode}; last lines of its log: {tail}", logPath);
        }
    }

    static bool TryLoad(string dir, out string? error)
    {
        error = null;
        if (!PeftAdapterFiles.Exists(dir)) { error = "adapter_config.json and adapter_model.safetensors not both present"; return false; }
        try
        {
            var (_, weights) = PeftAdapterFiles.Load(dir);
            foreach (var (a, b) in weights.Values) { a.Dispose(); b.Dispose(); }
            return true;
        }
        catch (Exception e) when (e is InputException or IOException or JsonException or InvalidDataException)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>Copies the adapter to outDir/adapter and writes outDir/train_result.json (the trainer's own if it wrote one).</summary>
    static TrainResult Import(StudentOptions student, string jobDir, string adapterOut, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var target = Path.Combine(outDir, "adapter");
        var staging = target + ".importing";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        foreach (var file in Directory.GetFiles(adapterOut))
            File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.Move(staging, target);

        var reported = Path.Combine(jobDir, "output", TrainRunFolder.ResultFile);
        TrainResult? theirs = null;
        if (File.Exists(reported))
            try { theirs = JsonSerializer.Deserialize<TrainResult>(File.ReadAllText(reported)); }
            catch (JsonException) { theirs = null; }
        var result = (theirs ?? new TrainResult { OutputDir = outDir, Method = "lora", Dtype = ConfigNames.EnumText(student.Training.Dtype), Device = "external", Epochs = student.Training.Epochs })
            with { OutputDir = outDir, AdapterDir = target, ModelDir = null };
        File.WriteAllText(Path.Combine(outDir, TrainRunFolder.ResultFile), JsonSerializer.Serialize(result, Json));
        return result;
    }
}
