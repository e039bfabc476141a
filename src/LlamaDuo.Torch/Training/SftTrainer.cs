using System.Diagnostics;
using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Lora;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// Supervised fine-tuning of a student on chat examples, LoRA or full, the whole loop written out top to bottom:
/// encode, plan, prepare the model, (resume), step (AdamW, cosine with warmup, accumulation, clipping), evaluate the
/// held-out slice each epoch, checkpoint, write the adapter or weights and train_result.json.
/// The student's module is changed in place (LoRA adapters attached, or weights trained).
/// </summary>
public static class SftTrainer
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Trains on the first thread when the host serves it (<see cref="Core.Threading.FirstThread"/>), else on a worker thread; see the class summary. Bad data or settings throw <see cref="InputException"/> before anything is written.</summary>
    public static Task<TrainResult> TrainAsync(StudentModel student, IReadOnlyList<ChatExample> train, TrainOptions options, string outDir,
        IProgress<TrainProgress>? progress = null, CancellationToken ct = default)
        => Core.Threading.FirstThread.RunAsync(() => Train(student, train, options, outDir, progress, ct), ct);

    /// <summary>The same, on the calling thread.</summary>
    public static TrainResult Train(StudentModel student, IReadOnlyList<ChatExample> train, TrainOptions options, string outDir,
        IProgress<TrainProgress>? progress = null, CancellationToken ct = default)
    {
        // 1. Check settings and data; nothing is written until all of it is known to be usable.
        OpenMpWaits.PreferPassive();
        options.Validate();
        if (train.Count == 0) throw new InputException("no training examples (the data is empty)", field: "data");
        var device = ComputeDevice.Resolve(options.Device);
        var dtypeChoice = DtypeChoice.Resolve(options.Dtype, options.Method, device, student.Config, options.Resume ? outDir : null);
        var baseDtype = dtypeChoice.Dtype;
        var threads = ComputeDevice.UsePhysicalCores();
        progress?.Report(TrainProgress.Message($"dtype: {dtypeChoice.Reason}; {threads} torch threads ({ComputeDevice.PhysicalCores()} physical cores)"));
        if (options.Method == TrainMethod.Lora && options.Lora.Rank > LoraModel.MaxRank(student.Config, options.Lora.Targets))
            throw new InputException($"LoRA rank must be at most {LoraModel.MaxRank(student.Config, options.Lora.Targets)}, the smaller side of the smallest target projection of this model",
                field: "rank", value: options.Lora.Rank.ToString());
        if (options.Method == TrainMethod.Lora && options.InitAdapter is { } start) LoraModel.CheckStartingAdapter(start, options.Lora);
        // max_len is a ceiling, as the config documents it: a model with a shorter context caps it.
        var maxLength = Math.Min(options.MaxLen, student.ContextLength);
        var encoded = new SftEncoder(student.Tokenizer, student.Template, maxLength, options.Overlong, options.AssistantOnlyLoss,
            student.StopTokenIds[0]).EncodeAll(train);
        if (encoded.Examples.Count == 0)
            throw new InputException($"all {train.Count} examples were dropped (longer than {maxLength} tokens or without target tokens)", field: "max-len", value: maxLength.ToString());
        var plan = TrainPlan.Create(encoded.Examples, options, packTo: maxLength);
        var longest = plan.Train.Concat(plan.HeldOut).Max(e => e.Length);
        var memory = MemoryPlan.Create(student.Config, options, baseDtype, longest,
            device.type == DeviceType.CPU ? MachineMemory.AvailableBytes() : null, MachineMemory.RssBytes());
        var checkpointing = memory.Checkpointing;
        using var heap = memory.KeepFreedMemory ? NativeHeap.KeepFreedMemory() : NativeHeap.ReturnLargeBlocks();
        progress?.Report(TrainProgress.Message($"memory: estimated peak {memory.Estimate}; checkpointing {memory.Reason}"));
        var fingerprint = TrainFingerprint.Create(student, train, options, baseDtype, maxLength);
        var resumeFrom = TrainRunFolder.Prepare(outDir, options.Resume, fingerprint);

        // 2. Model: adapters on a frozen (maybe bf16) base, or every weight trainable.
        var model = student.Module;
        model.to(device);
        // Private generators: A's init and the dropout masks depend on the seed and step only, not on other torch users.
        using var initRng = new Generator((ulong)options.Seed);
        using var dropoutRng = new Generator((ulong)options.Seed);
        if (options.Method == TrainMethod.Lora)
        {
            var adapters = options.InitAdapter is { } init
                ? LoraModel.AttachFrom(model, init, options.Lora, baseDtype)
                : LoraModel.Attach(model, options.Lora, baseDtype, initRng);
            foreach (var adapter in adapters.Values) adapter.DropoutGenerator = dropoutRng;
        }
        else foreach (var p in model.parameters()) p.requires_grad = true;
        using var lossHead = SftBackward.LossHead(model);
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
        using var optimizer = optim.AdamW(trainable.Select(t => t.parameter), lr: options.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8,
            weight_decay: options.WeightDecay);
        var schedule = new CosineSchedule(options.LearningRate, plan.TotalSteps, options.WarmupRatio);

        var state = new CheckpointState { Fingerprint = fingerprint };
        if (resumeFrom is not null)
        {
            state = TrainCheckpoint.ReadState(resumeFrom);
            TrainCheckpoint.Restore(resumeFrom, trainable, optimizer);
        }
        var resumedFrom = resumeFrom is null ? (int?)null : state.Step;

        // 3. Steps.
        var padId = student.Tokenizer.EosId;
        var clock = new Stopwatch();
        long sessionTokens = 0;
        var heapTrims = 0;
        IReadOnlyList<int[]>? order = null;
        var orderEpoch = -1;
        for (var step = state.Step; step < plan.TotalSteps; step++)
        {
            if (ct.IsCancellationRequested)
            {
                if (options.WriteOutputs) TrainCheckpoint.Save(outDir, trainable, optimizer, state, options.KeepCheckpoints);
                ct.ThrowIfCancellationRequested();
            }
            var epoch = plan.EpochOf(step);
            if (epoch != orderEpoch) { order = plan.EpochOrder(epoch); orderEpoch = epoch; }
            var lr = schedule.At(step);
            var stepClock = Stopwatch.StartNew();
            clock.Start();
            dropoutRng.manual_seed(StepSeed(options.Seed, step)); // so a resumed run draws the same masks
            var (loss, tokens, targets) = Step(model, plan.MicroBatches(step, order!).ToList(), optimizer, trainable, lr, padId, device, options.MaxGradNorm,
                checkpointing, dropoutRng, lossHead);
            clock.Stop();
            sessionTokens += tokens;
            if (memory.KeptHeapLimitBytes is { } heapLimit && MachineMemory.RssBytes() > heapLimit && NativeHeap.ReturnFreePages())
                heapTrims++;
            state = state with
            {
                Step = step + 1,
                Epoch = plan.EpochOf(step + 1),
                NextBatch = plan.FirstBatchOf(step + 1),
                Tokens = state.Tokens + tokens,
                TrainSeconds = state.TrainSeconds + stepClock.Elapsed.TotalSeconds,
                LossHistory = [.. state.LossHistory, new LossPoint(step + 1, epoch, loss, lr, tokens, targets, stepClock.Elapsed.TotalSeconds)],
            };
            var tokensPerSecond = sessionTokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
            if ((step + 1) % options.LogEvery == 0 || step + 1 == plan.TotalSteps)
            {
                var perStep = clock.Elapsed.TotalSeconds / (step + 1 - (resumedFrom ?? 0));
                var epochLeft = plan.StepsPerEpoch - 1 - step % plan.StepsPerEpoch;
                progress?.Report(new TrainProgress(step + 1, plan.TotalSteps, epoch, loss, lr, tokensPerSecond,
                    TimeSpan.FromSeconds(perStep * (plan.TotalSteps - step - 1)), EpochEta: TimeSpan.FromSeconds(perStep * epochLeft),
                    RssGb: MachineMemory.RssBytes() / 1e9));
            }
            if (plan.HeldOut.Count > 0 && (plan.EndsEpoch(step) || step + 1 == plan.TotalSteps))
            {
                var heldOutLoss = Evaluate(model, plan.HeldOut, options.BatchSize, padId, device, lossHead);
                state = state with { EvalHistory = [.. state.EvalHistory, new EvalPoint(step + 1, epoch, heldOutLoss)] };
                progress?.Report(new TrainProgress(step + 1, plan.TotalSteps, epoch, loss, lr, tokensPerSecond, TimeSpan.Zero, heldOutLoss));
            }
            if (options.WriteOutputs && options.SaveEvery > 0 && (step + 1) % options.SaveEvery == 0 && step + 1 < plan.TotalSteps)
                TrainCheckpoint.Save(outDir, trainable, optimizer, state, options.KeepCheckpoints);
        }
        if (options.WriteOutputs) TrainCheckpoint.Save(outDir, trainable, optimizer, state, options.KeepCheckpoints);

        // 4. Outputs.
        model.eval();
        string? adapterDir = null, modelDir = null;
        if (options.WriteOutputs && options.Method == TrainMethod.Lora)
        {
            adapterDir = Path.Combine(outDir, "adapter");
            LoraModel.SaveAdapter(model, adapterDir, options.Lora, student.Source);
        }
        else if (options.WriteOutputs)
        {
            modelDir = Path.Combine(outDir, "model");
            var sideFiles = Directory.Exists(student.Source) ? student.Source : null;
            AtomicFolder.Write(modelDir, staging => HfFolderWriter.Write(model, staging, ScalarType.Float32, sideFiles));
        }
        var result = new TrainResult
        {
            OutputDir = Path.GetFullPath(outDir),
            AdapterDir = adapterDir is null ? null : Path.GetFullPath(adapterDir),
            ModelDir = modelDir is null ? null : Path.GetFullPath(modelDir),
            Method = options.Method.ToString().ToLowerInvariant(),
            Dtype = ComputeDevice.Name(baseDtype),
            Device = options.Device,
            Steps = state.Step,
            StepsPerEpoch = plan.StepsPerEpoch,
            Epochs = (plan.TotalSteps + plan.StepsPerEpoch - 1) / plan.StepsPerEpoch,
            Examples = encoded.Examples.Count - plan.HeldOut.Count,
            HeldOut = plan.HeldOut.Count,
            Truncated = encoded.Truncated,
            Dropped = encoded.Dropped,
            MaxLength = maxLength,
            TrainableParameters = trainable.Sum(t => t.parameter.numel()),
            Tokens = state.Tokens,
            TrainSeconds = state.TrainSeconds,
            ResumedFromStep = resumedFrom,
            Checkpointing = checkpointing,
            KeptFreedMemory = memory.KeepFreedMemory,
            HeapTrims = heapTrims,
            EstimatedPeakGb = memory.Estimate.Total / 1e9,
            PeakRssGb = MachineMemory.PeakRssBytes() / 1e9,
            LossHistory = state.LossHistory,
            EvalHistory = state.EvalHistory,
        };
        if (options.WriteOutputs) AtomicFolder.WriteFile(Path.Combine(outDir, TrainRunFolder.ResultFile), JsonSerializer.Serialize(result, Json));
        return result;
    }

    /// <summary>One optimiser step over its micro-batches; returns the mean target-token loss, the real tokens processed and the target count.</summary>
    static (double Loss, long Tokens, long Targets) Step(Model.LlamaForCausalLM model, IReadOnlyList<IReadOnlyList<EncodedExample>> microBatches, OptimizerHelper optimizer,
        IReadOnlyList<(string name, Parameter parameter)> trainable, double lr, int padId, Device device, double maxGradNorm,
        bool checkpointing, Generator dropout, Tensor? lossHead)
    {
        using var scope = NewDisposeScope();
        model.train();
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        optimizer.zero_grad();
        var batches = microBatches.Select(rows => SftBatch.Collate(rows, padId, device)).ToList();
        var targetCount = batches.Sum(b => b.TargetCount);
        double lossSum = 0;
        foreach (var batch in batches)
        {
            // One scope per micro-batch: whatever the pass leaves behind is freed before the next one starts.
            using var microScope = NewDisposeScope();
            lossSum += SftBackward.Run(model, batch, 1.0 / targetCount, checkpointing, dropout, lossHead); // mean over the whole step's targets
        }
        if (maxGradNorm > 0) nn.utils.clip_grad_norm_(trainable.Select(t => t.parameter), maxGradNorm);
        optimizer.step();
        var tokens = batches.Sum(b => b.Tokens);
        foreach (var b in batches) b.Dispose();
        return (lossSum / targetCount, tokens, targetCount);
    }

    /// <summary>The dropout seed of a step: a function of the run's seed and the step alone.</summary>
    public static long StepSeed(int seed, int step) => unchecked(seed * 1_000_003L + step);

    /// <summary>Mean target-token loss over <paramref name="rows"/>, without gradients or dropout.</summary>
    public static double Evaluate(Model.LlamaForCausalLM model, IReadOnlyList<EncodedExample> rows, int batchSize, int padId, Device device, Tensor? lossHead = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        double sum = 0;
        long count = 0;
        foreach (var chunk in rows.Chunk(batchSize))
        {
            using var batch = SftBatch.Collate(chunk, padId, device);
            sum += SftLoss.Sum(model, batch, lossHead);
            count += batch.TargetCount;
        }
        model.train();
        return sum / Math.Max(1, count);
    }
}
