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
    /// With freed memory kept, the resident size the plan allowed for it (the reuse factor times the estimate). The heap
    /// still fragments step after step when batches differ in shape (a Qwen2.5-0.5B bench grew ~0.15-0.3 GB a step while
    /// most of the heap was free: malloc_info showed 12.6 of 14.9 GB free, in chunks too small for the next step's
    /// large blocks), so past this bound the trainer returns the free pages (malloc_trim) and the heap starts
    /// over; the next step faults its pages in again. Null when memory is returned anyway.
    /// </summary>
    public double? KeptHeapLimitBytes { get; init; }

    /// <summary>
    /// Resident size with freed memory kept for reuse (<see cref="NativeHeap.KeepFreedMemory"/>) over the estimate:
    /// glibc's heap fragments, so the resident size settles above what the step holds at once. Measured at the
    /// Qwen2.5-0.5B shape, LoRA, batch 8 x 512, bf16 base (the estimate assumes fp32 activations, so it is above the
    /// bf16 live peak): q,k,v,o without checkpointing 15.4 GB kept against 9.8 returned and an estimate of 14.1 (1.09);
    /// with fp32 activations 22.0 against the same 14.1 (1.56); all linear layers with checkpointing 9.3 GB against 3.96
    /// (2.3: the kept layer inputs pin the heap), see <see cref="CheckpointedReuseFactor"/>. fp32 activations never keep it.
    /// </summary>
    public const double ReuseFactor = 1.2;

    /// <summary>
    /// The same with checkpointing: the kept layer inputs pin the heap, so it settles at 2.1-2.3x the estimate (Qwen2.5-0.5B
    /// shape, LoRA on all linear layers, batch 8 x 512: 9.0 and 9.3 GB against 4.2 and 4.0). Still worth it where it
    /// fits: there, 75.1 tok/s kept against 48 returned, and against 50.7 tok/s (13.4 GB) without checkpointing with
    /// memory returned, which is why auto checkpointing turns on when only the checkpointed heap can be kept.
    /// </summary>
    public const double CheckpointedReuseFactor = 2.5;

    /// <summary>Plans <paramref name="options"/> on a model of shape <paramref name="c"/> whose longest row is <paramref name="length"/> tokens.</summary>
    public static MemoryPlan Create(LlamaConfig c, TrainOptions options, ScalarType baseDtype, int length, double? availableBytes, double residentBytes = 0)
    {
        double? budget = options.MemoryLimitGb is { } gb ? gb * 1e9 : availableBytes * 0.9 + residentBytes;
        MemoryEstimate Estimate(bool ckpt, int batch = 0, TrainMethod? method = null) =>
            MemoryEstimate.For(c, method ?? options.Method, options.Lora, baseDtype, batch == 0 ? options.BatchSize : batch, length, ckpt);
        bool Fits(MemoryEstimate e) => budget is null || e.Total <= budget;

        var off = Estimate(false);
        var on = Estimate(true);
        // Keeping freed memory saves a page fault per page of every large tensor (~1.6x faster bf16 LoRA steps here);
        // only bf16 activations keep it (with fp32 ones the heap fragments too much).
        var keepable = baseDtype == ScalarType.BFloat16 && options.Method == TrainMethod.Lora;
        double Factor(bool ckpt) => ckpt ? CheckpointedReuseFactor : ReuseFactor;
        double Kept(bool ckpt) => Factor(ckpt) * (ckpt ? on : off).Total;
        var (ckpt, why) = options.Checkpointing switch
        {
            CheckpointingMode.On => (true, "on (training.checkpointing: on)"),
            CheckpointingMode.Off => (false, "off (training.checkpointing: off)"),
            _ when keepable && budget is not null && Fits(off) && Kept(false) > budget && Kept(true) <= budget =>
                (true, $"on (auto: {Gb(off.Total)} GB without it fits the {Gb(budget)} GB budget, but only with checkpointing can freed memory be kept, " +
                       "and recomputing costs less than faulting memory in again)"),
            _ when Fits(off) => (false, $"off (auto: {Gb(off.Total)} GB without it fits the {Gb(budget)} GB budget)"),
            _ => (true, $"on (auto: {Gb(off.Total)} GB without it exceeds the {Gb(budget)} GB budget)"),
        };
        var chosen = ckpt ? on : off;
        if (Fits(chosen))
        {
            var reuse = Kept(ckpt);
            var keep = keepable && (budget is null || reuse <= budget);
            var heap = !keepable
                ? "freed memory returned to the system (with fp32 activations the heap fragments too much to keep it)"
                : keep ? $"freed memory kept for reuse (x{Factor(ckpt):F1} = {Gb(reuse)} GB fits; free pages are returned whenever the heap passes it)"
                : $"freed memory returned to the system (keeping it, x{Factor(ckpt):F1} = {Gb(reuse)} GB, would exceed the budget; slower steps)";
            return new MemoryPlan(ckpt, chosen, budget, $"{why}; {heap}", keep) { KeptHeapLimitBytes = keep ? reuse : null };
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
