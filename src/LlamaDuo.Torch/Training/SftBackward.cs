using LlamaDuo.Torch.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// Forward and backward of one micro-batch's loss, layer by layer, so memory is what a step needs and no more:
/// <list type="bullet">
/// <item>the head and loss run in chunks (<see cref="ChunkedLoss"/>);</item>
/// <item>with checkpointing the forward keeps only each decoder layer's input ([B, T, C] per layer) and the backward
/// recomputes one layer at a time from it, back-propagating that layer alone: activations of one layer live at once
/// instead of all of them. LoRA dropout masks are replayed by restoring the dropout generator's state per layer, so
/// the gradients are those of the plain pass;</item>
/// <item>every layer's forward and recompute runs in its own dispose scope, so temporaries autograd does not keep are
/// freed at once rather than at the end of the step (held to the step's end, they grew the peak with every
/// accumulated micro-batch).</item>
/// </list>
/// Attention is TorchSharp's fused scaled_dot_product_attention, which on CPU keeps no [B, H, T, T] probabilities.
/// Activations are in the projections' dtype (<see cref="ActivationDtype"/>); the loss runs in fp32, over logits from
/// the head in the activations' dtype (<see cref="LossHead"/>).
/// </summary>
internal static class SftBackward
{
    /// <summary>
    /// Runs the micro-batch, back-propagates its summed target loss times <paramref name="scale"/> into the
    /// trainable parameters' gradients, and returns the unscaled sum.
    /// </summary>
    public static double Run(LlamaForCausalLM model, SftBatch batch, double scale, bool checkpointing, Generator? dropout = null, Tensor? lossHead = null)
    {
        using var positions = batch.PositionIds?.alias() ?? DefaultPositions(batch.InputIds);   // [B, T]
        var dtype = ActivationDtype(model);
        var (cos, signedSin) = model.Model.Angles(positions, dtype);                          // [B, 1, T, D]
        using var _c = cos;
        using var _s = signedSin;
        var layers = model.Layers;
        var mask = batch.Mask;                                                                 // [B, 1, T, T] or null (causal)
        using var x0 = Embed(model, batch.InputIds, dtype);                                    // [B, T, C]
        if (!checkpointing)
        {
            using var last = Layers(layers, x0, cos, signedSin, mask, keepInputs: null);
            return HeadBackward(model, last, batch, scale, lossHead).Sum; // back-propagates through the whole graph
        }

        // Checkpointed: keep the layer inputs only, then walk the layers backwards recomputing each one.
        var inputs = new List<Tensor>(layers.Count);
        var rngStates = new List<Tensor?>(layers.Count);
        Tensor top;
        using (no_grad())
        {
            using var start = x0.detach();
            top = Layers(layers, start, cos, signedSin, mask, inputs, rngStates, dropout);
        }
        var afterForward = dropout?.get_state();
        var (total, gradOut) = HeadBackward(model, top.requires_grad_(true), batch, scale, lossHead);
        top.Dispose();
        for (var i = layers.Count - 1; i >= 0 && gradOut is not null; i--)
        {
            using var scope = NewDisposeScope();
            if (dropout is not null && rngStates[i] is { } state) dropout.set_state(state);
            using var input = inputs[i].requires_grad_(i > 0 || x0.requires_grad); // layer 0's input needs a gradient only for a trainable embedding
            using var output = layers[i].Forward(input, cos, signedSin, mask, causal: true, cache: null);
            autograd.backward(output, gradOut);
            gradOut.Dispose();
            gradOut = input.requires_grad ? input.grad!.detach().MoveToOuterDisposeScope() : null;
        }
        foreach (var s in rngStates) s?.Dispose();
        if (afterForward is not null) { dropout!.set_state(afterForward); afterForward.Dispose(); }
        if (gradOut is not null) using (gradOut) autograd.backward(x0, gradOut);
        return total;
    }

    /// <summary>
    /// The final norm, the target positions and the chunked loss from the last layer's output <paramref name="x"/>
    /// [B, T, C], back-propagated through whatever graph <paramref name="x"/> has; returns the loss sum and, when
    /// <paramref name="x"/> is a leaf that requires a gradient (checkpointing), that gradient.
    /// </summary>
    static (double Sum, Tensor? Grad) HeadBackward(LlamaForCausalLM model, Tensor x, SftBatch batch, double scale, Tensor? lossHead)
    {
        using var scope = NewDisposeScope();
        using var hidden = model.Model.Norm(x);                                                 // [B, T, C]
        using var flat = hidden.view(-1, hidden.shape[2]);                                       // [B * T, C]
        using var picked = flat.index_select(0, batch.Positions);                                // [N, C]
        var (sum, pickedGrad) = ChunkedLoss.Backward(model, picked, batch.Targets, scale, lossHead);
        using (pickedGrad)
            if (picked.requires_grad) autograd.backward(picked, pickedGrad);
        var grad = x.is_leaf && x.requires_grad ? x.grad?.detach().MoveToOuterDisposeScope() : null;
        return (sum, grad);
    }

    /// <summary>Final hidden states [B, T, C] of <paramref name="batch"/> without gradients, one layer's temporaries at a time (evaluation).</summary>
    public static Tensor Hidden(LlamaForCausalLM model, SftBatch batch)
    {
        using var _ = no_grad();
        using var positions = batch.PositionIds?.alias() ?? DefaultPositions(batch.InputIds);   // [B, T]
        var dtype = ActivationDtype(model);
        var (cos, signedSin) = model.Model.Angles(positions, dtype);                          // [B, 1, T, D]
        using var _c = cos;
        using var _s = signedSin;
        using var x0 = Embed(model, batch.InputIds, dtype);                                    // [B, T, C]
        using var top = Layers(model.Layers, x0, cos, signedSin, batch.Mask, keepInputs: null);
        return model.Model.Norm(top);
    }

    /// <summary>
    /// Runs the decoder layers over <paramref name="x0"/> (not consumed), each in its own dispose scope. With
    /// <paramref name="keepInputs"/> every layer's input is kept there (the first is a new alias of x0), and the
    /// dropout generator's state before each layer goes to <paramref name="rngStates"/>.
    /// </summary>
    static Tensor Layers(IReadOnlyList<LlamaDecoderLayer> layers, Tensor x0, Tensor cos, Tensor signedSin, Tensor? mask,
        List<Tensor>? keepInputs, List<Tensor?>? rngStates = null, Generator? dropout = null)
    {
        var x = x0.alias();
        foreach (var layer in layers)
        {
            using var scope = NewDisposeScope();
            rngStates?.Add(dropout?.get_state().MoveToOuterDisposeScope());
            var next = layer.Forward(x, cos, signedSin, mask, causal: true, cache: null).MoveToOuterDisposeScope(); // [B, T, C]
            if (keepInputs is not null) keepInputs.Add(x); else x.Dispose();
            x = next;
        }
        return x;
    }

    /// <summary>
    /// The dtype the decoder layers compute in: the projections' dtype. On a bf16 frozen base (LoRA) that is bf16, so
    /// the residual stream, attention and MLP activations are bf16 (RMSNorm and the LoRA update compute in fp32 and
    /// round once), as Hugging Face trains a bf16 model; casting every projection's input and output between an fp32
    /// stream and bf16 weights cost more than the bf16 GEMMs saved.
    /// </summary>
    internal static ScalarType ActivationDtype(LlamaForCausalLM model)
    {
        var projection = model.Layers[0].SelfAttn.Projection("q_proj");
        if (projection is Lora.LoraLinear lora) projection = lora.BaseLayer;
        return projection is Lora.FrozenLinear frozen ? frozen.DType : model.DType;
    }

    /// <summary>
    /// The head weight the loss multiplies bf16 activations by: a bf16 copy of a frozen fp32 head (LoRA on a bf16 base),
    /// so the head's two GEMMs per chunk run at the bf16 rate (about 2.3x the fp32 one here) and the logits come out
    /// in bf16 as a model trained in bf16 computes them; cross-entropy still runs in fp32. Null (use the head itself)
    /// otherwise. Costs vocab x hidden x 2 bytes (0.27 GB at Qwen2.5-0.5B's shape), which the memory estimate counts.
    /// </summary>
    internal static Tensor? LossHead(LlamaForCausalLM model)
    {
        var head = model.HeadWeight;
        var dtype = ActivationDtype(model);
        if (dtype == head.dtype || head.requires_grad) return null;
        using var _ = no_grad();
        return head.to(dtype);
    }

    static Tensor Embed(LlamaForCausalLM model, Tensor inputIds, ScalarType dtype)
    {
        var x = model.Model.Embed(inputIds);                                                   // [B, T, C]
        if (x.dtype == dtype) return x;
        using (x) return x.to(dtype);
    }

    static Tensor DefaultPositions(Tensor inputIds)
    {
        long b = inputIds.shape[0], t = inputIds.shape[1];
        using var row = arange(0, t, dtype: ScalarType.Int64, device: inputIds.device);
        return row.expand(b, t);
    }
}
