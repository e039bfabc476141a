using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Catalog;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Training;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Training;

/// <summary>The plan made before the first step: checkpointing when needed, refusal with what would fit.</summary>
public class MemoryPlanTests
{
    static readonly TrainOptions QwenLoraAll = new()
    {
        BatchSize = 8, Lora = new LoraSettings { Rank = 8, Alpha = 16, Dropout = 0.05, Targets = LoraSettings.AllTargets },
    };

    [Fact]
    public void Checkpointing_turns_on_when_the_run_would_not_fit_without_it()
    {
        var config = BenchShapes.Qwen25_05B.Config;
        var roomy = MemoryPlan.Create(config, QwenLoraAll with { MemoryLimitGb = 200 }, ScalarType.Float32, 512, availableBytes: null);
        Assert.False(roomy.Checkpointing);
        var tight = MemoryPlan.Create(config, QwenLoraAll with { MemoryLimitGb = 8 }, ScalarType.Float32, 512, availableBytes: null);
        Assert.True(tight.Checkpointing);
        Assert.True(tight.Estimate.Total < 6e9, tight.Estimate.ToString()); // the target for this shape
        Assert.True(roomy.Estimate.Total > 2 * tight.Estimate.Total);
        Assert.Contains("auto", tight.Reason);
    }

    [Fact]
    public void Freed_memory_is_kept_for_reuse_only_for_bf16_activations_and_only_when_the_fragmented_heap_fits()
    {
        var config = BenchShapes.Qwen25_05B.Config;
        var qkvo = QwenLoraAll with { Lora = QwenLoraAll.Lora with { Targets = ["q_proj", "k_proj", "v_proj", "o_proj"] }, Checkpointing = CheckpointingMode.Off };
        var roomy = MemoryPlan.Create(config, qkvo with { MemoryLimitGb = 100 }, ScalarType.BFloat16, 512, availableBytes: null);
        Assert.True(roomy.KeepFreedMemory, roomy.Reason);
        Assert.Contains("kept for reuse", roomy.Reason);
        // The kept heap is bounded where the plan allowed for it: past it, the trainer returns its free pages.
        Assert.Equal(roomy.Estimate.Total * MemoryPlan.ReuseFactor, roomy.KeptHeapLimitBytes!.Value, 3);

        // Room for the estimate but not for the heap's fragmentation on top: memory goes back, the run still fits.
        var gb = roomy.Estimate.Total / 1e9 * (1 + MemoryPlan.ReuseFactor) / 2;
        var tight = MemoryPlan.Create(config, qkvo with { MemoryLimitGb = gb }, ScalarType.BFloat16, 512, availableBytes: null);
        Assert.False(tight.KeepFreedMemory, tight.Reason);
        Assert.Contains("would exceed the budget", tight.Reason);
        Assert.Null(tight.KeptHeapLimitBytes);

        var fp32 = MemoryPlan.Create(config, qkvo with { MemoryLimitGb = 100 }, ScalarType.Float32, 512, availableBytes: null);
        Assert.False(fp32.KeepFreedMemory, fp32.Reason);
        var checkpointed = MemoryPlan.Create(config, qkvo with { MemoryLimitGb = 100, Checkpointing = CheckpointingMode.On }, ScalarType.BFloat16, 512, availableBytes: null);
        Assert.True(checkpointed.KeepFreedMemory, checkpointed.Reason);
        Assert.Contains($"x{MemoryPlan.CheckpointedReuseFactor:F1}", checkpointed.Reason); // the kept layer inputs pin the heap: 2.1-2.3x the estimate
        Assert.Equal(checkpointed.Estimate.Total * MemoryPlan.CheckpointedReuseFactor, checkpointed.KeptHeapLimitBytes!.Value, 3);
        var checkpointedTight = MemoryPlan.Create(config, qkvo with { MemoryLimitGb = checkpointed.Estimate.Total / 1e9 * 2, Checkpointing = CheckpointingMode.On },
            ScalarType.BFloat16, 512, availableBytes: null);
        Assert.False(checkpointedTight.KeepFreedMemory, checkpointedTight.Reason);
    }

    [Fact]
    public void Auto_checkpointing_turns_on_when_only_the_checkpointed_heap_can_be_kept()
    {
        // The reviewer's case: LoRA on all linear layers at batch 8 x 512 on a 24 GB machine (budget ~22 GB). Without
        // checkpointing it fits (~20 GB) but keeping memory would not (x1.2); with checkpointing kept memory fits (x2.5).
        var config = BenchShapes.Qwen25_05B.Config;
        var plan = MemoryPlan.Create(config, QwenLoraAll with { MemoryLimitGb = 22 }, ScalarType.BFloat16, 512, availableBytes: null);
        Assert.True(plan.Checkpointing, plan.Reason);
        Assert.True(plan.KeepFreedMemory, plan.Reason);
        Assert.Contains("only with checkpointing can freed memory be kept", plan.Reason);

        // Room to keep memory without checkpointing: no checkpointing. fp32 activations never keep memory: unchanged.
        var roomy = MemoryPlan.Create(config, QwenLoraAll with { MemoryLimitGb = 40 }, ScalarType.BFloat16, 512, availableBytes: null);
        Assert.Equal((false, true), (roomy.Checkpointing, roomy.KeepFreedMemory));
        var fp32 = MemoryPlan.Create(config, QwenLoraAll with { MemoryLimitGb = 22 }, ScalarType.Float32, 512, availableBytes: null);
        Assert.Equal((false, false), (fp32.Checkpointing, fp32.KeepFreedMemory));
    }

    [Fact]
    public void A_full_fine_tune_that_cannot_fit_is_refused_with_the_estimate_and_what_would_fit()
    {
        var full = QwenLoraAll with { Method = TrainMethod.Full, MemoryLimitGb = 6 };
        var e = Assert.Throws<InputException>(() =>
            MemoryPlan.Create(BenchShapes.Qwen25_05B.Config, full, ScalarType.Float32, 512, availableBytes: null));
        Assert.Equal("batch_size", e.Field);
        Assert.Contains("needs about", e.Message);
        Assert.Contains("method: lora instead of full", e.Message);
        Assert.Contains("6.0 GB budget (training.memory_limit_gb)", e.Message);
    }

    [Fact]
    public void The_budget_defaults_to_ninety_percent_of_what_is_available()
    {
        var plan = MemoryPlan.Create(BenchShapes.Qwen25_05B.Config, QwenLoraAll, ScalarType.Float32, 512, availableBytes: 10e9);
        Assert.Equal(9e9, plan.BudgetBytes!.Value, 3);
        Assert.True(plan.Checkpointing);
        Assert.Throws<InputException>(() =>
            MemoryPlan.Create(BenchShapes.Qwen25_05B.Config, QwenLoraAll with { Checkpointing = CheckpointingMode.Off }, ScalarType.Float32, 512, availableBytes: 10e9));
    }

    [Fact]
    public void The_trainer_refuses_before_writing_anything()
    {
        using var student = TinyStudent.Create();
        var outDir = Path.Combine(Path.GetTempPath(), $"llamaduo-memory-refusal-{Guid.NewGuid():N}");
        var options = new TrainOptions { MaxSteps = 1, MemoryLimitGb = 0.01, Dtype = TrainDtype.Float32 }; // the runtime alone is 0.7 GB
        var e = Assert.Throws<InputException>(() => SftTrainer.Train(student, TinyStudent.Data(16), options, outDir));
        Assert.Contains("needs about", e.Message);
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("VmHWM:\t    2172 kB", 2172L)]
    [InlineData("VmHWM:\t12531912 kB", 12531912L)] // from 10 GB up the kernel leaves no space after the tab
    [InlineData("MemAvailable:   23456789 kB", 23456789L)]
    [InlineData("VmHWM:", null)]
    public void Proc_lines_read_their_kilobytes_at_any_size(string line, long? expected) =>
        Assert.Equal(expected, MachineMemory.Kilobytes(line));
}
