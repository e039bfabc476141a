using System.Globalization;
using System.Text;
using LlamaDuo.Pipeline.Config;

namespace LlamaDuo.Pipeline.Training;

/// <summary>
/// Renders launch.sh for each launcher (and the Kubernetes Job manifest or Slurm batch script it submits). Every
/// script runs in the job folder, blocks until training ends and exits non-zero when it failed; the trained adapter
/// must end up in job/output/adapter (a shared filesystem for cluster launchers).
/// </summary>
internal static class LaunchTemplates
{
    public const string KubernetesManifest = "k8s-job.yaml";
    public const string SlurmScript = "job.sbatch";

    /// <summary>The files to write into the job folder: launch.sh and any manifest it submits.</summary>
    public static IReadOnlyDictionary<string, string> Render(StudentOptions student, string jobDir, string jobName, bool hasInitAdapter)
    {
        var ext = student.External;
        var accelerate = $"accelerate launch --num_processes {Math.Max(1, ext.Gpus)} -m trl.scripts.sft --config trl_sft.yaml";
        var files = new Dictionary<string, string>();
        string body = ext.Launcher switch
        {
            ExternalLauncher.Local => LocalTrain(student, hasInitAdapter),
            ExternalLauncher.Accelerate => accelerate,
            ExternalLauncher.Ray =>
                $"ray job submit --address \"${{RAY_ADDRESS:-http://127.0.0.1:8265}}\" --submission-id {jobName} --entrypoint-num-gpus {ext.Gpus} -- bash -c {Sh($"cd {Sh(jobDir)} && {accelerate}")}",
            ExternalLauncher.Kubernetes =>
                $"kubectl apply -f {KubernetesManifest}\nkubectl wait --for=condition=complete --timeout={Seconds(ext)}s job/{jobName}",
            ExternalLauncher.Slurm => $"sbatch --wait {SlurmScript}",
            ExternalLauncher.Custom => Fill(ext.Command ?? "", jobDir),
            _ => throw new ArgumentOutOfRangeException(nameof(student), ext.Launcher, null),
        };
        if (ext.Launcher == ExternalLauncher.Kubernetes) files[KubernetesManifest] = Kubernetes(ext, jobDir, jobName, accelerate);
        if (ext.Launcher == ExternalLauncher.Slurm) files[SlurmScript] = Slurm(ext, jobDir, jobName, accelerate);
        files["launch.sh"] = $"#!/usr/bin/env bash\n# launcher: {ext.Launcher.ToString().ToLowerInvariant()}; written by llamaduo, rewritten on each run.\n" +
            $"# Must block until training ends, exit non-zero on failure, and leave the PEFT adapter in output/adapter/.\nset -euo pipefail\ncd \"$(dirname \"$0\")\"\n{body}\n";
        return files;
    }

    /// <summary>Our own trainer as a process; LLAMADUO_CLI overrides the command (for example "dotnet /opt/llamaduo/llamaduo.dll").</summary>
    static string LocalTrain(StudentOptions s, bool hasInitAdapter)
    {
        var t = s.Training;
        var l = s.Lora;
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var a = new StringBuilder("${LLAMADUO_CLI:-llamaduo} train");
        a.Append($" --model {Sh(s.Model)} --data train.jsonl --out output --method lora --resume");
        a.Append($" --epochs {t.Epochs} --lr {N(t.LearningRate)} --warmup-ratio {N(t.WarmupRatio)} --weight-decay {N(t.WeightDecay)}");
        a.Append($" --max-grad-norm {N(t.MaxGradNorm)} --batch-size {t.BatchSize} --grad-accum {t.GradAccum} --max-len {t.MaxLen}");
        a.Append($" --seed {t.Seed} --dtype {Sh(ConfigNames.EnumText(t.Dtype))} --rank {l.Rank} --alpha {N(l.EffectiveAlpha)} --dropout {N(l.Dropout)}");
        a.Append($" --targets {Sh(string.Join(",", l.Targets))}");
        if (s.Template is not null) a.Append($" --template {Sh(s.Template)}");
        if (hasInitAdapter) a.Append(" --init-adapter init_adapter");
        return a.ToString();
    }

    static string Kubernetes(ExternalTrainingOptions ext, string jobDir, string jobName, string accelerate) => $"""
        # Kubernetes Job running TRL's SFT script. The PVC "llamaduo-jobs" must hold this job folder at the same path
        # (for example the run folder on NFS), so the adapter written to output/adapter comes back to the loop.
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {jobName}
        spec:
          backoffLimit: 0
          activeDeadlineSeconds: {Seconds(ext)}
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: train
                  image: "{ext.Image}"
                  workingDir: "{jobDir}"
                  command: ["bash", "-c", "pip install -q trl peft accelerate datasets && {accelerate}"]
                  resources:
                    limits:
                      nvidia.com/gpu: {ext.Gpus}
                  volumeMounts:
                    - name: job
                      mountPath: "{jobDir}"
              volumes:
                - name: job
                  persistentVolumeClaim:
                    claimName: llamaduo-jobs

        """;

    static string Slurm(ExternalTrainingOptions ext, string jobDir, string jobName, string accelerate) => $"""
        #!/usr/bin/env bash
        #SBATCH --job-name={jobName}
        #SBATCH --gres=gpu:{ext.Gpus}
        #SBATCH --time={Math.Max(1, (int)Math.Ceiling(ext.TimeoutMinutes))}
        #SBATCH --output=slurm-%j.log
        set -euo pipefail
        cd {Sh(jobDir)}
        {accelerate}

        """;

    static int Seconds(ExternalTrainingOptions ext) => Math.Max(1, (int)Math.Ceiling(ext.TimeoutMinutes * 60));

    /// <summary>
    /// Fills a command's placeholders: {job} (absolute job folder), {launch} (launch.sh), {output} (job/output),
    /// {data} (job/train.jsonl), {config} (job/trl_sft.yaml).
    /// </summary>
    public static string Fill(string command, string jobDir) => command
        .Replace("{job}", jobDir)
        .Replace("{launch}", Path.Combine(jobDir, "launch.sh"))
        .Replace("{output}", Path.Combine(jobDir, "output"))
        .Replace("{data}", Path.Combine(jobDir, "train.jsonl"))
        .Replace("{config}", Path.Combine(jobDir, "trl_sft.yaml"));

    /// <summary>Quotes a value for bash (single quotes; embedded ones closed and escaped).</summary>
    public static string Sh(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
