using LlamaDuo.Core.Data;
using LlamaDuo.Service.Dedup;

namespace LlamaDuo.Service.Tests.Dedup;

public class RealDataDedupTests
{
    [Fact]
    public void LlamaDuo_synthetic_parts_are_recognised_as_their_no_robots_seeds()
    {
        SharedData.Require();
        var part = SharedData.Read("llamaduo-synth-parts/synth_classification_ds_gpt4o_dedup.part26.jsonl");
        var generators = SharedData.Field("llamaduo-synth-parts/synth_classification_ds_gpt4o_dedup.part26.jsonl", "generator");
        var train = SharedData.Read("no_robots/no_robots-Classify.jsonl");

        var result = new Deduplicator().Run(part, train, []);
        var byId = train.Select(r => r.Id).ToHashSet();
        for (int i = 0; i < part.Count; i++)
        {
            var d = result.Decisions[i];
            if (generators[i] == "Human")
            {
                // The README: every Human row is a verbatim no_robots train row with the same prompt_id.
                Assert.Equal(DedupReason.DuplicatesTrain, d.Reason);
                Assert.Equal(part[i].Id, d.CollidedWith);
            }
            else Assert.Equal(DedupReason.Kept, d.Reason);
        }
        Assert.Equal(334, result.Decisions.Count(d => d.Reason == DedupReason.DuplicatesTrain));
        Assert.Equal(5, result.Kept.Count);
    }

    [Fact]
    public void Distinct_real_rows_survive_and_planted_copies_are_caught()
    {
        SharedData.Require();
        var rows = SharedData.Read("no_robots/no_robots-Summarize.jsonl");
        var train = rows.Take(200).ToList();
        var test = rows.Skip(200).Take(25).ToList();
        var fresh = rows.Skip(225).ToList();  // distinct real rows: must survive
        var rng = new Random(5);
        var planted = new List<(ChatExample Row, string Target, DedupReason Expected)>();
        for (int i = 0; i < 20; i++)
        {
            var t = train[rng.Next(train.Count)];
            planted.Add((Perturbed($"near-train-{i}", t, rng), t.Id, DedupReason.NearDuplicatesTrain));
            var s = test[i % test.Count];
            planted.Add((Perturbed($"near-test-{i}", s, rng), s.Id, DedupReason.ContaminatesTest));
        }
        for (int i = 0; i < 10; i++)
        {
            var f = fresh[i];
            planted.Add((Perturbed($"near-self-{i}", f, rng), f.Id, DedupReason.NearDuplicate));
        }
        var synthetic = fresh.Concat(planted.Select(p => p.Row)).ToList();
        var result = new Deduplicator().Run(synthetic, train, test);
        var d = result.Decisions.ToDictionary(x => x.RowId);

        int freshKept = fresh.Count(f => d[f.Id].Kept);
        Assert.True(freshKept >= fresh.Count - 2, $"{freshKept}/{fresh.Count} distinct rows kept");
        foreach (var (row, target, expected) in planted)
        {
            Assert.Equal(expected, d[row.Id].Reason);
            Assert.Equal(target, d[row.Id].CollidedWith);
        }
    }

    /// <summary>A near copy: ~5% of words dropped, ~3% replaced, as a paraphrasing generator might.</summary>
    static ChatExample Perturbed(string id, ChatExample source, Random rng)
    {
        string Edit(string text)
        {
            var words = text.Split(' ').Where(_ => rng.NextDouble() > 0.05).Select(w => rng.NextDouble() < 0.03 ? "indeed" : w);
            return string.Join(' ', words);
        }
        return ChatExample.FromPair(id, Edit(source.Prompt), Edit(source.Response!));
    }
}
