using System.Globalization;
using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Lora;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// Peak resident memory of a training step, estimated before the first one from the shape alone (bytes). What it
/// counts, per docs/training.md's profile:
/// <list type="bullet">
/// <item>weights (fp32, or bf16 projections and a bf16 copy of the head under a bf16 frozen base), and for trained
/// weights their gradient and AdamW's two moments (16 bytes per trained parameter);</item>
/// <item>activations autograd keeps per token per layer: both norms' input and output (4C), attention's q, repeated
/// k and v and output (4C), the MLP's gate, activation and up (3I), and per LoRA adapter its dropout mask and dropped
/// input (2 x in); full fine-tuning also keeps the o_proj and down_proj inputs (C + I). With checkpointing only each
/// layer's input (C) stays, plus one layer's activations while it is recomputed;</item>
/// <item>the chunked loss (a chunk's logits, log-softmax and gradient in fp32) and the gathered answer rows;</item>
/// <item>the runtime (CLR, libtorch, tokenizer): a fixed 0.7 GB.</item>
/// </list>
/// </summary>
internal sealed record MemoryEstimate(double WeightsBytes, double OptimizerBytes, double ActivationBytes, double LossBytes, double RuntimeBytes)
{
    /// <summary>Total estimated peak in bytes.</summary>
    public double Total => WeightsBytes + OptimizerBytes + ActivationBytes + LossBytes + RuntimeBytes;

    /// <summary>Temporaries a layer allocates while it runs, beyond what autograd keeps (measured: ~0.5x).</summary>
    const double WorkingLayerFactor = 1.5;

    /// <summary>Estimate for <paramref name="batchSize"/> rows of <paramref name="length"/> tokens.</summary>
    public static MemoryEstimate For(LlamaConfig c, TrainMethod method, LoraSettings lora, ScalarType baseDtype, int batchSize, int length, bool checkpointing)
    {
        double tokens = (double)batchSize * length;
        double C = c.HiddenSize, I = c.IntermediateSize;
        double projections = TrainFlops.ProjectionParams(c);
        double embed = (double)c.VocabSize * C * (c.TieWordEmbeddings ? 1 : 2);
        double all = projections + embed;
        double baseBytes = baseDtype == ScalarType.BFloat16 ? 2 : 4;
        double weights, optimizer;
        if (method == TrainMethod.Full)
        {
            weights = all * 4;
            optimizer = all * 12;
        }
        else
        {
            var adapter = TrainFlops.AdapterParams(c, lora);
            // A bf16 base also gets a bf16 copy of the head for the loss (SftBackward.LossHead).
            weights = projections * baseBytes + embed * 4 + adapter * 4 + (baseBytes == 2 ? (double)c.VocabSize * C * 2 : 0);
            optimizer = adapter * 12;
        }

        double perTokenLayer = 4 * C + 4 * C + 3 * I; // floats
        if (method == TrainMethod.Full) perTokenLayer += C + I;
        else foreach (var t in lora.Targets) perTokenLayer += (lora.Dropout > 0 ? 2 : 1) * (t == "down_proj" ? I : C);
        double layerBytes = perTokenLayer * 4 * tokens;
        double activations = checkpointing
            ? c.NumHiddenLayers * tokens * C * 4 + WorkingLayerFactor * layerBytes + 2 * tokens * C * 4
            : c.NumHiddenLayers * layerBytes + (WorkingLayerFactor - 1) * layerBytes;

        // Answer rows: at most every token is a target; the chunk's logits, log-softmax and gradient in fp32.
        double loss = 3 * tokens * C * 4 + 3.0 * ChunkedLoss.ChunkRows * c.VocabSize * 4;
        return new MemoryEstimate(weights, optimizer, activations, loss, 0.7e9);
    }

    /// <summary>"6.1 GB (weights 2.0, optimizer 0.1, activations 2.9, loss 0.4, runtime 0.7)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Gb(Total):F1} GB (weights {Gb(WeightsBytes):F1}, gradients+AdamW {Gb(OptimizerBytes):F1}, activations {Gb(ActivationBytes):F1}, loss {Gb(LossBytes):F1}, runtime {Gb(RuntimeBytes):F1})");

    /// <summary>Bytes to GB (10^9).</summary>
    public static double Gb(double bytes) => bytes / 1e9;
}
