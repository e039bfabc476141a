using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Quickstart;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Pipeline.Training;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Torch.Lora;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// student.backend external: the loop writes a job folder, runs a launcher (here our own trainer as a child process
/// through the rendered local launch.sh), imports the adapter it leaves and goes on to infer and judge.
/// </summary>
public class ExternalTrainerTests
{
    static string Dll => Path.Combine(AppContext.BaseDirectory, "llamaduo.dll");

    [Fact]
    public async Task A_failed_launcher_fails_the_stage_and_a_working_one_then_trains_round_0_in_a_subprocess()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var clusterUp = Path.Combine(temp.Path, "cluster-up");
        var config = LlamaDuoConfig.Load(RepoPaths.Quickstart("config.yaml"));
        config = config with
        {
            Service = config.Service with { BaseUrl = demo.BaseUrl },
            Student = config.Student with
            {
                Training = config.Student.Training with { Epochs = 1, LearningRate = 3e-4 },
                Lora = config.Student.Lora with { Rank = 4, Alpha = 8 },
                Backend = TrainingBackend.External,
                // Fails until the "cluster" is up (a marker file), then runs the rendered local launch.sh with our CLI.
                External = new ExternalTrainingOptions
                {
                    Launcher = ExternalLauncher.Local,
                    Command = $"test -f {clusterUp} || {{ echo 'no GPU left on node-7' >&2; exit 1; }}; LLAMADUO_CLI=\"dotnet {Dll}\" bash {{launch}}",
                    PollSeconds = 0.2,
                    TimeoutMinutes = 5,
                },
            },
            Judge = config.Judge with { Rounds = 1 },
        };
        var run = Path.Combine(temp.Path, "run");
        var job = Path.Combine(run, "round-00", "job");
        var log = new StringWriter();
        await MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Ingest);

        var failed = await Assert.ThrowsAsync<InputException>(() => MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Train));
        Assert.Contains("exited with code 1", failed.Message);
        Assert.Contains("no GPU left on node-7", failed.Message);
        Assert.Contains(ExternalTrainer.LogFile, failed.Message);
        using (var store = RunStore.Open(run))
            Assert.Equal(StageStatus.Failed, store.GetStage(0, "train")!.Status);

        // The cluster comes back: the failed stage reruns and succeeds.
        File.WriteAllText(clusterUp, "");
        await MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Train);

        var rows = DatasetFile.Read(Path.Combine(job, "train.jsonl"));
        Assert.NotEmpty(rows);
        var parquet = new ParquetRecordReader().Read(Path.Combine(job, "data", "train.parquet")).ToList();
        Assert.Equal(rows.Count, parquet.Count);
        Assert.Equal(rows[0].Example.Messages[^1].Content, parquet[0].Fields["messages"]![rows[0].Example.Messages.Count - 1]!["content"]!.GetValue<string>());
        var trl = File.ReadAllText(Path.Combine(job, "trl_sft.yaml"));
        Assert.Contains("learning_rate: 0.0003", trl);
        Assert.Contains("lora_r: 4", trl);
        Assert.Contains("lora_alpha: 8", trl);
        Assert.Contains("lr_scheduler_type: cosine", trl);
        Assert.Contains("assistant_only_loss: true", trl);
        var launch = File.ReadAllText(Path.Combine(job, "launch.sh"));
        Assert.Contains("train --model", launch);
        Assert.Contains("--rank 4", launch);
        Assert.Contains("--lr 0.0003", launch);

        var adapter = Path.Combine(run, "round-00", "train", "adapter");
        Assert.True(PeftAdapterFiles.Exists(adapter));
        Assert.Equal(File.ReadAllBytes(Path.Combine(job, "output", "adapter", PeftAdapterFiles.WeightsFile)), File.ReadAllBytes(Path.Combine(adapter, PeftAdapterFiles.WeightsFile)));
        Assert.NotNull(TrainedWeights.Read(Path.Combine(run, "round-00", "train")).AdapterDir);
        Assert.Contains("no GPU left on node-7", File.ReadAllText(Path.Combine(job, ExternalTrainer.LogFile)));

        await MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Infer);
        Assert.NotEmpty(File.ReadAllLines(Path.Combine(run, "round-00", "generations.jsonl")));
        var judged = await MigrationLoop.RunAsync(config, run, log, onlyStage: LoopStage.Judge);
        Assert.Single(judged.Rounds);
        using (var store = RunStore.Open(run))
        {
            Assert.True(store.IsStageDone(0, "train"));
            Assert.True(store.IsStageDone(0, "judge"));
            Assert.NotEmpty(store.Losses()); // the subprocess trainer's loss curve came back through its train_result.json
        }

        // A launcher that returns at once (like kubectl apply): the loop polls until the adapter lands, then imports it.
        var later = Path.Combine(temp.Path, "later");
        var returnsAtOnce = config.Student with
        {
            External = new ExternalTrainingOptions
            {
                Launcher = ExternalLauncher.Custom,
                Command = $"(sleep 1; mkdir -p {{output}}; cp -r {adapter} {{output}}/adapter) >/dev/null 2>&1 &",
                StatusCommand = "echo running",
                PollSeconds = 0.2,
                TimeoutMinutes = 1,
            },
        };
        var lines = new List<string>();
        var imported = await ExternalTrainer.RunAsync(returnsAtOnce, rows, Path.Combine(later, "job"), Path.Combine(later, "train"), null, lines.Add, CancellationToken.None);
        Assert.Equal(File.ReadAllBytes(Path.Combine(adapter, PeftAdapterFiles.WeightsFile)), File.ReadAllBytes(Path.Combine(imported.AdapterDir!, PeftAdapterFiles.WeightsFile)));
        Assert.Contains("running", File.ReadAllText(Path.Combine(later, "job", ExternalTrainer.LogFile)));
    }

    [Fact]
    public async Task A_failing_status_command_or_a_missing_adapter_fails_with_a_clear_error()
    {
        using var temp = new RepoPaths.Temp();
        IReadOnlyList<CoverageRow> rows = [new(ChatExample.FromPair("r1", "2+2?", "4"), new RowProvenance("train.jsonl", 1))];
        var student = new StudentOptions
        {
            Backend = TrainingBackend.External,
            External = new ExternalTrainingOptions { Launcher = ExternalLauncher.Custom, Command = "true", StatusCommand = "echo 'job 42 FAILED: CUDA out of memory'; exit 3", PollSeconds = 0.1, TimeoutMinutes = 1 },
        };
        var job = Path.Combine(temp.Path, "job");
        var failed = await Assert.ThrowsAsync<InputException>(() => ExternalTrainer.RunAsync(student, rows, job, Path.Combine(temp.Path, "train"), null, _ => { }, CancellationToken.None));
        Assert.Contains("status command exited with code 3", failed.Message);
        Assert.Contains("CUDA out of memory", failed.Message);

        var silent = student with { External = student.External with { StatusCommand = null, TimeoutMinutes = 0.01 } };
        var timedOut = await Assert.ThrowsAsync<InputException>(() => ExternalTrainer.RunAsync(silent, rows, job, Path.Combine(temp.Path, "train"), null, _ => { }, CancellationToken.None));
        Assert.Contains("no valid PEFT adapter", timedOut.Message);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "train", "adapter")));
        Assert.True(File.Exists(Path.Combine(job, "data", "train.parquet")));
    }

    // Issue 7's check: a config with the external backend and the local launcher completes a quickstart-sized loop.
    [Fact]
    public async Task The_quickstart_passes_with_every_round_trained_by_the_local_launcher()
    {
        using var temp = new RepoPaths.Temp();
        var run = Path.Combine(temp.Path, "qs");
        var log = new StringWriter();
        var outcome = await QuickstartRun.RunAsync(run, log, c => c with
        {
            Student = c.Student with
            {
                Backend = TrainingBackend.External,
                External = new ExternalTrainingOptions { Launcher = ExternalLauncher.Local, Command = $"LLAMADUO_CLI=\"dotnet {Dll}\" bash {{launch}}", PollSeconds = 0.2, TimeoutMinutes = 5 },
            },
            Judge = c.Judge with { Rounds = 1 }, // one judge call per answer keeps this inside the default run
        });

        Assert.True(outcome.Passed, log.ToString());
        Assert.True(outcome.Rounds.Count >= 2, log.ToString());
        // Later rounds continue the previous round's adapter (warm start) through the job's init_adapter.
        Assert.Contains("--init-adapter init_adapter", File.ReadAllText(Path.Combine(run, "round-01", "job", "launch.sh")));
        Assert.True(PeftAdapterFiles.Exists(Path.Combine(run, "round-01", "job", "init_adapter")));
        Assert.True(File.Exists(Path.Combine(run, "export", "adapter", PeftAdapterFiles.ConfigFile)), log.ToString());
    }

    [Theory]
    [InlineData(ExternalLauncher.Accelerate, "accelerate launch", null)]
    [InlineData(ExternalLauncher.Ray, "ray job submit", null)]
    [InlineData(ExternalLauncher.Kubernetes, "kubectl apply -f k8s-job.yaml", LaunchTemplates.KubernetesManifest)]
    [InlineData(ExternalLauncher.Slurm, "sbatch --wait job.sbatch", LaunchTemplates.SlurmScript)]
    public void Cluster_templates_submit_trl_with_the_rendered_config(ExternalLauncher launcher, string submits, string? manifest)
    {
        var student = new StudentOptions { Backend = TrainingBackend.External, External = new ExternalTrainingOptions { Launcher = launcher, Gpus = 2 } };
        var files = LaunchTemplates.Render(student, "/shared/runs/r1/round-02/job", "llamaduo-r1-round-02", hasInitAdapter: false);
        Assert.Contains(submits, files["launch.sh"]);
        var runsTrl = manifest is null ? files["launch.sh"] : files[manifest];
        Assert.Contains("-m trl.scripts.sft --config trl_sft.yaml", runsTrl);
        Assert.Contains("--num_processes 2", runsTrl);
        if (manifest is not null) Assert.Contains("llamaduo-r1-round-02", files[manifest]);
    }
}
