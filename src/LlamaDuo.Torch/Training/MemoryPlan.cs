using System.Globalization;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// Decides before the first step whether a run fits: checkpointing on or off (auto: on when the estimate without it
/// exceeds the budget), or an <see cref="InputException"/> with the estimate and the settings that would fit.
/// The budget is training.memory_limit_gb when set, else what this process already holds (the loaded model and the
/// runtime, which the estimate counts too) plus 90% of the memory still available when the run starts.
/// </summary>
internal sealed record MemoryPlan(bool Checkpointing, MemoryEstimate Estimate, double? BudgetBytes, string Reason, bool KeepFreedMemory = false)
{
    /// <summary>
    /// Resident size with freed memory kept for reuse (<see cref="NativeHeap.KeepFreedMemory"/>) over the estimate:
    /// glibc's heap fragments, so the resident size settles above what the step holds at once. Measured at the
    /// Qwen2.5-0.5B shape, LoRA, batch 8 x 512, bf16 base (the estimate assumes fp32 activations, so it is above the
    /// bf16 live peak): q,k,v,o without checkpointing 15.4 GB kept against 9.8 returned and an estimate of 14.1 (1.09);
    /// with fp32 activations 22.0 against the same 14.1 (1.56); all linear layers with checkpointing 9.3 GB against 3.96
    /// (2.3: the kept layer inputs pin the heap). So memory is kept only for bf16 activations without checkpointing.
    /// </summary>
    public const double ReuseFactor = 1.2;

    /// <summary>Plans <paramref name="options"/> on a model of shape <paramref name="c"/> whose longest row is <paramref name="length"/> tokens.</summary>
    public static MemoryPlan Create(LlamaConfig c, TrainOptions options, ScalarType baseDtype, int length, double? availableBytes, double residentBytes = 0)
    {
        double? budget = options.MemoryLimitGb is { } gb ? gb * 1e9 : availableBytes * 0.9 + residentBytes;
        MemoryEstimate Estimate(bool ckpt, int batch = 0, TrainMethod? method = null) =>
            MemoryEstimate.For(c, method ?? options.Method, options.Lora, baseDtype, batch == 0 ? options.BatchSize : batch, length, ckpt);
        bool Fits(MemoryEstimate e) => budget is null || e.Total <= budget;

        var off = Estimate(false);
        var on = Estimate(true);
        var (ckpt, why) = options.Checkpointing switch
        {
            CheckpointingMode.On => (true, "on (training.checkpointing: on)"),
            CheckpointingMode.Off => (false, "off (training.checkpointing: off)"),
            _ when Fits(off) => (false, $"off (auto: {Gb(off.Total)} GB without it fits the {Gb(budget)} GB budget)"),
            _ => (true, $"on (auto: {Gb(off.Total)} GB without it exceeds the {Gb(budget)} GB budget)"),
        };
        var chosen = ckpt ? on : off;
        if (Fits(chosen))
        {
            // Keeping freed memory saves a page fault per page of every large tensor (~1.6x faster bf16 LoRA steps here).
            var reuse = ReuseFactor * chosen.Total;
            var eligible = baseDtype == ScalarType.BFloat16 && options.Method == TrainMethod.Lora && !ckpt;
            var keep = eligible && (budget is null || reuse <= budget);
            var heap = !eligible
                ? $"freed memory returned to the system ({(ckpt ? "with checkpointing" : "with fp32 activations")} the heap fragments too much to keep it)"
                : keep ? $"freed memory kept for reuse (x{ReuseFactor:F1} = {Gb(reuse)} GB fits)"
                : $"freed memory returned to the system (keeping it, x{ReuseFactor:F1} = {Gb(reuse)} GB, would exceed the budget; slower steps)";
            return new MemoryPlan(ckpt, chosen, budget, $"{why}; {heap}", keep);
        }

        var fixes = new List<string>();
        if (!ckpt && Fits(on)) fixes.Add($"training.checkpointing: on ({Gb(on.Total)} GB)");
        for (var b = options.BatchSize / 2; b >= 1; b /= 2)
            if (Estimate(true, b) is var e && Fits(e)) { fixes.Add($"batch_size {b} with grad_accum {options.GradAccum * options.BatchSize / b} and checkpointing ({Gb(e.Total)} GB)"); break; }
        if (options.Method == TrainMethod.Full && Estimate(true, method: TrainMethod.Lora) is var l && Fits(l))
            fixes.Add($"method: lora instead of full ({Gb(l.Total)} GB with checkpointing)");
        for (var n = length / 2; n >= 128; n /= 2)
            if (MemoryEstimate.For(c, options.Method, options.Lora, baseDtype, options.BatchSize, n, true) is var s && Fits(s))
            { fixes.Add($"max_len {n} ({Gb(s.Total)} GB with checkpointing)"); break; }
        var source = options.MemoryLimitGb is null ? "this process's memory plus 90% of what is available now" : "training.memory_limit_gb";
        throw new InputException(
            $"this run needs about {chosen} at batch {options.BatchSize} x {length} tokens with checkpointing {(ckpt ? "on" : "off")}, " +
            $"more than the {Gb(budget)} GB budget ({source}); it would be killed for memory mid-round. " +
            (fixes.Count > 0 ? "What would fit: " + string.Join("; or ", fixes) + "." : "Nothing smaller fits: free memory or use a smaller model."),
            field: "batch_size", value: options.BatchSize.ToString(CultureInfo.InvariantCulture));
    }

    static string Gb(double? bytes) => bytes is null ? "unlimited" : (bytes.Value / 1e9).ToString("F1", CultureInfo.InvariantCulture);
}
