using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Loading;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Generation;

/// <summary>
/// Batched decoding on a <see cref="StudentModel"/>: prompts of different lengths are left-padded and masked, the
/// prompt is prefilled in one forward pass, then one token per row per step is decoded with the KV cache.
/// Results come back prompt-major: index = prompt * K + sample.
/// </summary>
public sealed class TextGenerator(StudentModel model)
{
    private const long PadId = 0; // any valid id: padded positions are masked out and never attended to

    public StudentModel Model { get; } = model;

    /// <summary>Encodes each prompt as is (with BOS when the tokenizer has one) and generates.</summary>
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<string> prompts, GenerationOptions options,
        Action<GenerationDelta>? onDelta = null, CancellationToken ct = default)
        => Generate(prompts.Select(Encode).ToArray(), options, onDelta, ct);

    /// <summary>Token ids for a rendered prompt: BOS (unless the text already starts with it) then the text.</summary>
    public IReadOnlyList<int> Encode(string prompt)
    {
        var tok = Model.Tokenizer;
        var addBos = tok.BosId is { } bos && !prompt.StartsWith(tok.TokenText(bos), StringComparison.Ordinal);
        return tok.Encode(prompt, addBos);
    }

    /// <summary>Generates <see cref="GenerationOptions.SamplesPerPrompt"/> continuations of each tokenised prompt.</summary>
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options,
        Action<GenerationDelta>? onDelta = null, CancellationToken ct = default)
    {
        options.Validate();
        var context = Model.ContextLength;
        var seed = options.Seed ?? Random.Shared.NextInt64();
        var rows = new List<GenerationRow>();
        for (var p = 0; p < prompts.Count; p++)
        {
            if (prompts[p].Count == 0) throw new InputException("empty prompt", field: "prompt", value: $"#{p}");
            if (prompts[p].Count >= context)
                throw new InputException($"prompt is {prompts[p].Count} tokens but the model's context is {context}; " +
                    "shorten it so at least one token can be generated", field: "prompt", value: $"#{p}");
            var maxNew = Math.Min(options.MaxNewTokens, context - prompts[p].Count);
            for (var s = 0; s < options.SamplesPerPrompt; s++)
                rows.Add(new GenerationRow(p, s, prompts[p], maxNew, new Generator(RowSeed(seed, p, s))));
        }
        // Rows of similar length batch together with less padding; results are reordered at the end.
        var order = rows.OrderBy(r => r.Prompt.Count).ToList();
        for (var i = 0; i < order.Count; i += options.MaxBatchSize)
            DecodeBatch(order.Skip(i).Take(options.MaxBatchSize).ToList(), options, onDelta, ct);
        return rows.Select(r => r.ToResult()).ToArray();
    }

    /// <summary>Prompts left-padded to <paramref name="longest"/>: ids [U*T] and mask [U*T] (0 on padding).</summary>
    private static (long[] Ids, long[] Mask) LeftPad(IReadOnlyList<IReadOnlyList<int>> prompts, int longest)
    {
        var ids = new long[prompts.Count * longest];
        var mask = new long[prompts.Count * longest];
        Array.Fill(ids, PadId);
        for (var i = 0; i < prompts.Count; i++)
        {
            var offset = longest - prompts[i].Count;
            for (var j = offset; j < longest; j++)
            {
                ids[i * longest + j] = prompts[i][j - offset];
                mask[i * longest + j] = 1;
            }
        }
        return (ids, mask);
    }

    /// <summary>A deterministic per-row seed (HashCode.Combine is randomised per process, so it cannot be used).</summary>
    private static ulong RowSeed(long seed, int prompt, int sample)
    {
        unchecked
        {
            var z = (ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(prompt + 1) + 0xBF58476D1CE4E5B9UL * (ulong)(sample + 1);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private void DecodeBatch(List<GenerationRow> rows, GenerationOptions o, Action<GenerationDelta>? onDelta, CancellationToken ct)
    {
        var module = Model.Module;
        var tokenizer = Model.Tokenizer;
        var stopIds = o.StopTokenIds.Count > 0 ? o.StopTokenIds : Model.StopTokenIds;
        int r = rows.Count, longest = rows.Max(x => x.Prompt.Count);
        var padded = rows.Any(x => x.Prompt.Count != longest);
        var maxSteps = rows.Max(x => Math.Min(o.MaxNewTokens, Model.ContextLength - x.Prompt.Count));

        // Each distinct prompt is prefilled once; its K sample rows copy the cache and diverge from the first sample.
        var distinct = rows.Select(x => x.PromptIndex).Distinct().ToList();
        var sourceRow = rows.Select(x => (long)distinct.IndexOf(x.PromptIndex)).ToArray();
        var prompts = distinct.Select(p => rows.First(x => x.PromptIndex == p).Prompt).ToList();
        var (ids, maskValues) = LeftPad(prompts, longest);
        var lengths = rows.Select(x => (long)x.Prompt.Count).ToArray();

        using var noGrad = no_grad();
        using var cache = module.NewCache(r, longest + maxSteps);
        Tensor? mask = null; // [R, S], grows by one column per step; kept outside the per-step scopes
        try
        {
            long[] next;
            using (var _ = NewDisposeScope())
            {
                var u = prompts.Count;
                var input = tensor(ids).view(u, longest);                                        // [U, T]
                var promptMask = padded ? tensor(maskValues).view(u, longest) : null;            // [U, T]
                var positions = promptMask is null ? null : (promptMask.cumsum(1) - 1).clamp_min(0); // [U, T]
                Tensor logits;
                if (u == r)
                {
                    var hidden = module.Hidden(input, positions, promptMask, cache);             // [R, T, C]
                    logits = module.Head(hidden[.., ^1]);                                        // [R, V]
                    mask = promptMask?.DetachFromDisposeScope();
                }
                else
                {
                    using var prefill = module.NewCache(u, longest);
                    var hidden = module.Hidden(input, positions, promptMask, prefill);           // [U, T, C]
                    var index = tensor(sourceRow);                                               // [R]
                    logits = module.Head(hidden[.., ^1]).index_select(0, index);                 // [R, V]
                    cache.CopyRowsFrom(prefill, index);
                    mask = promptMask?.index_select(0, index).DetachFromDisposeScope();          // [R, T]
                }
                next = Sampler.Next(logits, o, rows.Select(x => x.Rng).ToArray());
            }
            for (var step = 0; ; step++)
            {
                ct.ThrowIfCancellationRequested();
                for (var i = 0; i < r; i++)
                {
                    var wasFinished = rows[i].Finished;
                    var delta = rows[i].Add((int)next[i], tokenizer, o, stopIds);
                    if (!wasFinished && delta.Length > 0) onDelta?.Invoke(new GenerationDelta(rows[i].PromptIndex, rows[i].SampleIndex, (int)next[i], delta));
                }
                if (rows.All(x => x.Finished) || step + 1 >= maxSteps) break;

                using var _ = NewDisposeScope();
                var input = tensor(next).view(r, 1);                                             // [R, 1]
                var positions = tensor(lengths).view(r, 1);                                      // [R, 1]
                for (var i = 0; i < r; i++) lengths[i]++;
                if (mask is not null)
                {
                    var grown = cat([mask, ones(r, 1, dtype: ScalarType.Int64)], 1).DetachFromDisposeScope(); // [R, S+1]
                    mask.Dispose();
                    mask = grown;
                }
                var hidden = module.Hidden(input, positions, mask, cache);                       // [R, 1, C]
                var logits = module.Head(hidden[.., 0]);                                         // [R, V]
                next = Sampler.Next(logits, o, rows.Select(x => x.Rng).ToArray());
            }
        }
        finally
        {
            mask?.Dispose();
        }
    }
}
