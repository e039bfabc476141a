using LlamaDuo.Core.Data;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Synthesis;

/// <summary>
/// The synthesis stage: asks the service LLM (any <see cref="IChatClient"/>) for new pairs like a few train seeds,
/// batch by batch, until enough valid rows exist or the call allowance is spent. Batch b of round t always gets the
/// same seeds and call options (seeded), so a rerun or resume repeats identical calls and hits the response cache.
/// Failed calls and replies without pairs become diagnostics; the stage never throws for them.
/// </summary>
public sealed class DataSynthesizer(IChatClient client, TaskDescription task, SynthesisOptions? options = null, string? generatorModel = null)
{
    readonly SynthesisOptions _options = options ?? new SynthesisOptions();
    readonly string _generator = generatorModel ?? options?.ModelId ?? "service";

    /// <summary>Generates up to <paramref name="rowsWanted"/> rows for loop round <paramref name="round"/>, seeded from <paramref name="train"/> only.</summary>
    public async Task<SynthesisResult> GenerateAsync(
        IReadOnlyList<ChatExample> train, int round, int rowsWanted,
        IReadOnlyDictionary<string, double>? seedWeights = null,
        CancellationToken cancellationToken = default)
    {
        if (train.Count == 0) throw new ArgumentException("Synthesis needs at least one train row to seed from.", nameof(train));
        int perCall = Math.Max(1, _options.RowsPerRequest);
        int needed = (rowsWanted + perCall - 1) / perCall;
        int allowance = needed + (int)Math.Ceiling(needed * _options.ExtraCallFraction);
        var rows = new List<SyntheticRow>();
        var diagnostics = new List<SynthesisDiagnostic>();
        int next = 0, calls = 0;

        while (rows.Count < rowsWanted && next < allowance)
        {
            // A wave of just enough batches for what is still missing, run concurrently, kept in batch order.
            int missingCalls = Math.Min(allowance - next, Math.Max(1, (rowsWanted - rows.Count + perCall - 1) / perCall));
            int waveSize = Math.Min(missingCalls, Math.Max(1, _options.MaxConcurrentCalls));
            var wave = Enumerable.Range(next, waveSize).Select(b => BatchAsync(train, round, b, perCall, seedWeights, cancellationToken));
            next += waveSize;
            foreach (var batch in await Task.WhenAll(wave))
            {
                calls++;
                diagnostics.AddRange(batch.Diagnostics);
                rows.AddRange(batch.Rows.Take(rowsWanted - rows.Count));
            }
        }
        return new SynthesisResult(rows, diagnostics, calls);
    }

    async Task<(List<SyntheticRow> Rows, List<SynthesisDiagnostic> Diagnostics)> BatchAsync(
        IReadOnlyList<ChatExample> train, int round, int batch, int count,
        IReadOnlyDictionary<string, double>? weights, CancellationToken ct)
    {
        // HashCode.Combine is randomised per process; the batch RNG must be the same in every run.
        var rng = new Random((int)(Dedup.WordHashing.Mix(((ulong)(uint)_options.Seed << 32) ^ ((ulong)(uint)round << 20) ^ (uint)batch) & int.MaxValue));
        var seeds = SeedSampler.Sample(train, _options.SeedCount, rng, weights);
        var messages = SynthesisPrompt.Messages(task, seeds, count);
        string hash = SynthesisPrompt.Hash(messages);
        var diagnostics = new List<SynthesisDiagnostic>();
        string? reply;
        string generator = _generator;
        try
        {
            var response = await client.GetResponseAsync(messages, CallOptions(round, batch), ct);
            reply = response.Text;
            generator = response.ModelId ?? _generator;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception ex)
        {
            diagnostics.Add(new(batch, hash, $"call failed: {ex.GetType().Name}: {ex.Message}"));
            return ([], diagnostics);
        }

        // Multi-turn seeds ask for whole conversations and give multi-turn rows; single-turn seeds give pairs.
        List<IReadOnlyList<ChatTurn>> conversations;
        List<string> problems;
        if (SynthesisPrompt.IsMultiTurn(seeds))
            (conversations, problems) = SyntheticPairParser.ParseConversations(reply, _options, seeds.Select(s => s.Messages));
        else
        {
            var (pairs, pairProblems) = SyntheticPairParser.Parse(reply, _options, seeds.Select(s => s.Prompt));
            conversations = pairs.Select(p => (IReadOnlyList<ChatTurn>)[ChatTurn.User(p.Instruction), ChatTurn.Assistant(p.Response)]).ToList();
            problems = pairProblems;
        }
        diagnostics.AddRange(problems.Select(p => new SynthesisDiagnostic(batch, hash, p)));
        if (conversations.Count == 0) diagnostics.Add(new(batch, hash, "reply had no usable pairs"));
        var seedIds = seeds.Select(s => s.Id).ToList();
        var rows = conversations.Select((turns, k) =>
        {
            string id = $"synth-r{round:D2}-b{batch:D4}-{k:D2}";
            // The task's system prompt goes first unless the conversation brought its own (no_robots Chat personas do).
            var messages = !string.IsNullOrEmpty(task.SystemPrompt) && turns[0].Role != "system" ? [ChatTurn.System(task.SystemPrompt), .. turns] : turns;
            return new SyntheticRow(new ChatExample(id, messages), new SynthesisProvenance(id, seedIds, generator, round, batch, hash));
        }).ToList();
        return (rows, diagnostics);
    }

    ChatOptions CallOptions(int round, int batch) => new()
    {
        ModelId = _options.ModelId,
        Temperature = (float)_options.Temperature,
        MaxOutputTokens = _options.MaxOutputTokens,
        Seed = _options.Seed + round * 100_000L + batch,
        AdditionalProperties = new AdditionalPropertiesDictionary { [Judge.LlmJudge.StageProperty] = _options.StageLabel },
    };
}
