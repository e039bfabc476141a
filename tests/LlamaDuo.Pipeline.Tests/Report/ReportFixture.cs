using LlamaDuo.Core.Data;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Tests.Report;

/// <summary>
/// TEST DATA, not a real run: a run store filled with made-up but realistic numbers for three rounds (scores that rise
/// from ~65 to ~92, synthetic rows added and dropped, judge and synthesis calls with costs, loss curves), so the report
/// has something to draw.
/// </summary>
public static class ReportFixture
{
    public const int TestRows = 20, Samples = 4, JudgeRounds = 3;
    static readonly double[] SimilarityByRound = [64, 79, 92];
    static readonly double[] PrecisionByRound = [71, 84, 93];

    public static RunStore Create(string root)
    {
        var config = LlamaDuoConfig.Parse("task: {name: fixture-classify}\ndata: {path: fake.jsonl}\njudge: {pass: {min_similarity: 90, min_precision: 90}}\n");
        var store = RunStore.Create(new RunFolder(Path.Combine(root, "20261128-120000-fixture")), "fixture-classify");
        config.Save(store.Folder.ConfigPath);
        var rng = new Random(1234);
        var test = Enumerable.Range(0, TestRows).Select(i => new CoverageRow(ChatExample.FromPair($"t{i}", $"Classify review {i}", "Positive"), new RowProvenance("fake.jsonl", i + 1))).ToList();
        store.AddRows(RunStore.TestSplit, test);
        store.SetStatus(RunStatus.Running);
        var trainRows = 80;
        for (var round = 0; round < 3; round++)
        {
            var sims = new List<double>();
            var precs = new List<double>();
            var judgements = new List<JudgementRecord>();
            foreach (var row in test)
            {
                // Some prompts are harder than others: a per-row offset spreads the distribution like real judge data.
                var hardness = Noise(rng, 14);
                double rowSim = 0, rowPrec = 0;
                for (var s = 0; s < Samples; s++)
                    for (var j = 0; j < JudgeRounds; j++)
                    {
                        var sim = Math.Clamp(Math.Round(SimilarityByRound[round] + hardness + Noise(rng, 9)), 1, 100);
                        var prec = Math.Clamp(Math.Round(PrecisionByRound[round] + hardness + Noise(rng, 7)), 1, 100);
                        judgements.Add(new JudgementRecord(round, row.Id, s, j, "primary", sim, prec, "fixture reason"));
                        rowSim += sim;
                        rowPrec += prec;
                    }
                sims.Add(rowSim / (Samples * JudgeRounds));
                precs.Add(rowPrec / (Samples * JudgeRounds));
            }
            store.AddJudgements(judgements);
            var added = round < 2 ? 120 + 40 * round : 0;
            var dropped = new Dictionary<string, int>();
            if (round < 2) dropped = new() { ["near-duplicate"] = 18 + round * 5, ["rouge_l"] = 9, ["contaminated"] = 2 + round, ["unparseable"] = 4 };
            store.RecordSynthesisDrops(round, dropped);
            var passed = round == 2;
            store.RecordRound(new RoundMetrics(round, trainRows, TestRows, added, dropped.Values.Sum(),
                ScoreSummary.From(sims, 80), ScoreSummary.From(precs, 80), passed, passed ? "pass" : "below threshold: synthesize"));
            trainRows += added;
            var steps = 30 + 15 * round;
            store.RecordLosses(Enumerable.Range(0, steps).Select(step => new LossPoint(round, step, 2.6 * Math.Exp(-step / 12.0) + 0.35 - 0.08 * round + Noise(rng, 0.04), 2e-4)));
            Call(store, round, "judge", TestRows * Samples * JudgeRounds, 900, 120, 2.5, 10.0);
            if (round < 2) Call(store, round, "synthesize", 40, 1500, 900, 2.5, 10.0);
        }
        store.SetStatus(RunStatus.Passed, "round 2 passed");
        return store;
    }

    static void Call(RunStore store, int round, string stage, int count, int inTok, int outTok, double inPrice, double outPrice)
    {
        for (var i = 0; i < count; i++)
            store.RecordCall(new CallRecord($"{stage}-{round}-{i}", round, stage, "demo", "demo-service", inTok, outTok,
                (inTok * inPrice + outTok * outPrice) / 1e6, 450, "ok", false, DateTimeOffset.UtcNow));
    }

    static double Noise(Random rng, double scale) => (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * scale;
}
