using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Tests.Lora;
using LlamaDuo.Torch.Training;

namespace LlamaDuo.Torch.Tests.Training;

public sealed class SftTrainerTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("llamaduo-train-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    static readonly TrainOptions Quick = new()
    {
        Lora = new LoraSettings { Rank = 4, Alpha = 8, Dropout = 0.1 },
        LearningRate = 1e-2, BatchSize = 4, GradAccum = 2, Epochs = 3, Seed = 11, SaveEvery = 5, LogEvery = 1,
        Dtype = TrainDtype.Float32,
    };

    /// <summary>A progress sink that runs on the trainer's thread (Progress&lt;T&gt; would post elsewhere), so it can crash the run.</summary>
    sealed class Sink(Action<TrainProgress> onReport) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => onReport(value);
    }

    [Fact]
    public void Resume_after_a_crash_reproduces_the_uninterrupted_losses()
    {
        var data = TinyStudent.Data(40); // 40 rows, 2 held out -> 38: 5 batches of 4... per epoch
        TrainResult straight;
        using (var student = TinyStudent.Create())
            straight = SftTrainer.Train(student, data, Quick, Path.Combine(root, "straight"));

        var crashed = Path.Combine(root, "crashed");
        using (var student = TinyStudent.Create())
        {
            var crash = new Sink(p => { if (p.Step == 8 && p.EvalLoss is null) throw new IOException("simulated crash"); });
            Assert.Throws<IOException>(() => SftTrainer.Train(student, data, Quick, crashed, crash));
        }
        Assert.Equal("step-00000005", File.ReadAllText(Path.Combine(crashed, "checkpoints", "latest")));
        TrainResult resumed;
        using (var student = TinyStudent.Create())
            resumed = SftTrainer.Train(student, data, Quick with { Resume = true }, crashed);

        Assert.Equal(5, resumed.ResumedFromStep);
        Assert.Equal(straight.Steps, resumed.Steps);
        Assert.True(straight.Steps > 10, $"only {straight.Steps} steps");
        foreach (var (a, b) in straight.LossHistory.Zip(resumed.LossHistory))
            Assert.True(Math.Abs(a.Loss - b.Loss) <= 1e-6, $"step {a.Step}: {a.Loss} vs {b.Loss}");
        Assert.Equal(straight.EvalHistory.Select(e => Math.Round(e.Loss, 6)), resumed.EvalHistory.Select(e => Math.Round(e.Loss, 6)));
        Assert.True(PeftAdapterFiles.Exists(resumed.AdapterDir!));
    }

    [Fact]
    public void Two_runs_with_the_same_seed_give_the_same_losses()
    {
        var data = TinyStudent.Data(40);
        TrainResult first, second;
        using (var student = TinyStudent.Create())
            first = SftTrainer.Train(student, data, Quick, Path.Combine(root, "a"));
        using (var student = TinyStudent.Create())
            second = SftTrainer.Train(student, data, Quick, Path.Combine(root, "b"));
        Assert.Equal(first.LossHistory.Select(l => l.Loss), second.LossHistory.Select(l => l.Loss));
    }

    [Fact]
    public void Loss_falls_and_only_the_adapter_is_written()
    {
        using var student = TinyStudent.Create();
        var result = SftTrainer.Train(student, TinyStudent.Data(40), Quick with { Epochs = 4 }, Path.Combine(root, "run"));
        // A random N(0, 0.02) tiny model learns slowly through rank-4 adapters; the real learning test is on stories15M.
        Assert.True(result.LossHistory[^1].Loss < result.LossHistory[0].Loss * 0.95,
            $"loss {result.LossHistory[0].Loss} -> {result.LossHistory[^1].Loss}");
        Assert.True(result.EvalHistory[^1].Loss < result.EvalHistory[0].Loss, "held-out loss did not fall");
        Assert.Equal(2, result.HeldOut);
        Assert.Equal(4, result.EvalHistory.Count);
        Assert.Equal(["adapter", "checkpoints"], Directory.GetDirectories(Path.Combine(root, "run")).Select(Path.GetFileName).Order());
        Assert.Equal(2L * 4 * 2 * (32 + 32) + 2L * 4 * 2 * (32 + 16), result.TrainableParameters); // q,o: 4x32 + 32x4; k,v: 4x32 + 16x4
        Assert.True(File.Exists(Path.Combine(root, "run", TrainRunFolder.ResultFile)));
    }

    [Fact]
    public void Full_fine_tuning_trains_every_weight_and_writes_a_hugging_face_folder()
    {
        using var student = TinyStudent.Create();
        var before = student.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var result = SftTrainer.Train(student, TinyStudent.Data(40), Quick with { Method = TrainMethod.Full, LearningRate = 3e-3, Epochs = 2 },
            Path.Combine(root, "full"));
        Assert.Null(result.AdapterDir);
        Assert.True(File.Exists(Path.Combine(result.ModelDir!, "config.json")));
        var written = SafetensorsFile.Read(Path.Combine(result.ModelDir!, "model.safetensors"));
        Assert.Equal(before.Keys.Order(), written.Keys.Order());
        Assert.All(before, kv => Assert.False(TinyModels.Same(kv.Value, written[kv.Key]), $"{kv.Key} did not change"));
        Assert.True(result.LossHistory[^1].Loss < result.LossHistory[0].Loss * 0.8, $"loss {result.LossHistory[0].Loss} -> {result.LossHistory[^1].Loss}");
    }

    [Fact]
    public void A_new_round_starts_from_the_previous_rounds_adapter()
    {
        var data = TinyStudent.Data(40);
        TrainResult first;
        using (var student = TinyStudent.Create())
            first = SftTrainer.Train(student, data, Quick with { LearningRate = 3e-2, Epochs = 4 }, Path.Combine(root, "round0"));
        TrainResult fresh, continued;
        using (var student = TinyStudent.Create())
            fresh = SftTrainer.Train(student, data, Quick with { MaxSteps = 1 }, Path.Combine(root, "fresh"));
        using (var student = TinyStudent.Create())
            continued = SftTrainer.Train(student, data, Quick with { MaxSteps = 1, InitAdapter = first.AdapterDir }, Path.Combine(root, "round1"));
        // The first loss of the continued round is the trained adapter's, not a fresh adapter's (= the base model's).
        Assert.True(continued.LossHistory[0].Loss < fresh.LossHistory[0].Loss - 0.1, $"{continued.LossHistory[0].Loss} vs fresh {fresh.LossHistory[0].Loss}");
        var wrongRank = Assert.Throws<InputException>(() =>
            SftTrainer.Train(TinyStudent.Create(), data, Quick with { InitAdapter = first.AdapterDir, Lora = Quick.Lora with { Rank = 2 } }, Path.Combine(root, "bad")));
        Assert.Equal("rank", wrongRank.Field);
        Assert.False(Directory.Exists(Path.Combine(root, "bad")), "a refused run left a folder behind");
    }

    [Fact]
    public void Bad_input_is_refused_before_anything_is_written()
    {
        using var student = TinyStudent.Create();
        var empty = Path.Combine(root, "empty");
        Assert.Throws<InputException>(() => SftTrainer.Train(student, [], Quick, empty));
        var noAnswer = new List<Core.Data.ChatExample> { new("x", [Core.Data.ChatTurn.User("q")]) };
        Assert.Throws<InputException>(() => SftTrainer.Train(student, noAnswer, Quick, empty));
        var bigRank = Assert.Throws<InputException>(() => SftTrainer.Train(student, TinyStudent.Data(8), Quick with { Lora = new LoraSettings { Rank = 64 } }, empty));
        Assert.Equal("rank", bigRank.Field);
        Assert.False(Directory.Exists(empty), "a refused run left files behind");
    }

    [Fact]
    public void Resuming_another_runs_folder_is_refused_and_leaves_it_untouched()
    {
        var run = Path.Combine(root, "run");
        using (var student = TinyStudent.Create())
            SftTrainer.Train(student, TinyStudent.Data(24), Quick with { Epochs = 1 }, run);
        var before = Snapshot(run);
        using (var other = TinyStudent.Create())
        {
            var e = Assert.Throws<InputException>(() => SftTrainer.Train(other, TinyStudent.Data(24), Quick with { Epochs = 1, Resume = true, LearningRate = 5e-3 }, run));
            Assert.Equal("lr", e.Field);
            var again = Assert.Throws<InputException>(() => SftTrainer.Train(other, TinyStudent.Data(24), Quick with { Epochs = 1 }, run));
            Assert.Contains("--resume", again.Message);
        }
        using (var bigger = new LlamaDuo.Torch.Loading.StudentModel(TinyModels.Config(intermediate: 96), TinyModels.Create(intermediate: 96), new CharTokenizer(), LlamaDuo.Models.Templates.PlainTemplate.Instance, "tiny-test"))
        {
            var e = Assert.Throws<InputException>(() => SftTrainer.Train(bigger, TinyStudent.Data(24), Quick with { Epochs = 1, Resume = true }, run));
            Assert.Equal("model_config", e.Field);
        }
        Assert.Equal(before, Snapshot(run));
    }

    static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
