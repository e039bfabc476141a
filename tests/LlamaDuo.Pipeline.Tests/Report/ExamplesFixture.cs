using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Dedup;
using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Tests.Report;

/// <summary>
/// TEST DATA, not a real run: a run folder with the example files the loop writes (data/test.jsonl, round-NN/
/// judgements.jsonl in JudgeStage's format, round-NN/synthetic.jsonl and dedup.jsonl), at any size. Prompt i's score in
/// round r is fixed by <see cref="Score"/>, so tests know the order and the change; every judge call has its own reasons,
/// as a real LLM judge's would.
/// </summary>
public static class ExamplesFixture
{
    /// <summary>An answer that tries to end the script element and run its own code: it must show as text.</summary>
    public const string Hostile = "</script><script>window.pwned = 1</script><!-- <b>bold</b>";

    /// <summary>Prompt i's judge score in round r (similarity; precision is 2 more).</summary>
    public static double Score(int prompt, int round) => Math.Clamp(40 + (prompt * 37 % 60) + 10 * round, 1, 98);

    public static RunStore Create(string root, int prompts, int samples, int judgeCalls, int rounds, int syntheticRows)
    {
        var store = RunStore.Create(new RunFolder(Path.Combine(root, "20261207-030000-examples")), "examples-fixture");
        LlamaDuoConfig.Parse("task: {name: examples-fixture}\ndata: {path: fake.jsonl}\njudge: {pass: {coverage_threshold: 80}}\n").Save(store.Folder.ConfigPath);
        var test = Enumerable.Range(0, prompts).Select(i => new CoverageRow(ChatExample.FromPair($"t{i:0000}",
            $"Prompt {i}: summarise the following note about order {i * 7919 % 10007} in one sentence. " + string.Concat(Enumerable.Repeat($"Line {i} of the note says the parcel moved. ", 6)),
            $"Reference {i}: the parcel for order {i * 7919 % 10007} moved twice before it arrived."), new RowProvenance("fake.jsonl", i + 1))).ToList();
        DatasetFile.Write(store.Folder.TestPath, test);
        store.AddRows(RunStore.TestSplit, test);
        for (var r = 0; r < rounds; r++)
        {
            Directory.CreateDirectory(store.Folder.RoundDir(r));
            var lines = new List<string>();
            foreach (var (row, i) in test.Select((row, i) => (row, i)))
                for (var k = 0; k < samples; k++)
                {
                    var candidate = i == 1 && k == 0 ? Hostile : $"Answer {k} of round {r} to prompt {i}: the parcel for order {i * 7919 % 10007} arrived.";
                    var s = Score(i, r);
                    var calls = Enumerable.Range(0, judgeCalls).Select(j => new JudgeCall(j, 1,
                        new JudgeScores(s, s + 2, $"call {j}: the answer to prompt {i} matches the reference's order number but drops the second move (round {r}, sample {k})",
                            $"call {j}: it answers prompt {i} in one sentence as asked, with one detail missing (round {r}, sample {k})"), null, null)).ToList();
                    var item = new JudgeItem($"{row.Id}#{k}", row.Example.Prompt, row.Example.Response!, candidate, row.Id);
                    lines.Add(JsonSerializer.Serialize(JudgedRow.FromCalls(item, "llm:fixture", calls)));
                }
            AtomicFile.WriteAllLines(store.Folder.RoundFile(r, "judgements.jsonl"), lines);
            if (r == 0 || syntheticRows == 0) continue;
            var synth = Enumerable.Range(0, syntheticRows).Select(j => JsonSerializer.Serialize(new
            {
                id = $"synth-r{r:00}-{j:0000}",
                messages = new[] { new ChatTurn("user", $"Synthetic prompt {j} of round {r} about order {j * 31}"), new ChatTurn("assistant", $"Synthetic answer {j}") },
                provenance = new { RowId = $"synth-r{r:00}-{j:0000}", SeedIds = new[] { $"train-{j % 50}", $"train-{(j + 7) % 50}" }, GeneratorModel = "fixture", Round = r, Batch = j / 8, PromptHash = "x" },
            }));
            AtomicFile.WriteAllLines(store.Folder.RoundFile(r, "synthetic.jsonl"), synth);
            AtomicFile.WriteAllLines(store.Folder.RoundFile(r, "dedup.jsonl"), Enumerable.Range(0, syntheticRows).Select(j => JsonSerializer.Serialize(
                j % 5 == 4 ? new DedupDecision($"synth-r{r:00}-{j:0000}", DedupReason.NearDuplicate, $"synth-r{r:00}-{j - 1:0000}", 0.97) : new DedupDecision($"synth-r{r:00}-{j:0000}", DedupReason.Kept))));
        }
        return store;
    }
}
