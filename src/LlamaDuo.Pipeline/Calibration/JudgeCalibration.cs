using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Calibration;

/// <summary>
/// Measures a judge against human labels before a team trusts the loop. The configured judge (same prompt, rounds,
/// cache and ledger as the loop) scores every labelled row; agreement is reported per metric and for the row score
/// (the lower of the two, which is what a per-row pass reads): Spearman and Kendall with the human score, mean bias
/// (judge minus human) with a 95% CI, and pass/fail agreement and Cohen's kappa at the config's pass bounds. Two
/// probes run on the same rows: verbosity (the candidate plus neutral filler must not gain) and off-target copying
/// (another row's reference given as the candidate must fail).
/// </summary>
public static class JudgeCalibration
{
    /// <summary>Neutral filler: adds length and politeness, no content. A judge that rewards it rewards verbosity.</summary>
    public const string Filler =
        "\n\nI hope this answer is helpful. I have tried to be clear and thorough, and to address the request as it was asked. " +
        "If anything is unclear or you would like more detail on any part of it, please let me know and I will be happy to expand on it.";

    public static async Task<CalibrationResult> RunAsync(IRowJudge judge, int rounds, IReadOnlyList<LabelledRow> labels,
        double minSimilarity, double minPrecision, JudgeRunOptions runOptions, Action<string>? say = null, CancellationToken ct = default)
    {
        var items = labels.Select(l => new JudgeItem(l.Id, l.Instruction, l.Reference, l.Candidate, l.Id, l.Context)).ToList();
        say?.Invoke($"judging {items.Count} labelled rows ({rounds} rounds each)");
        var judged = (await JudgeRunner.RunAsync(judge, items, runOptions, null, ct)).Rows;
        // A judge that scored nothing has not been calibrated: say why instead of printing a table of dashes.
        if (judged.All(r => !r.Scored))
        {
            string why = judged.SelectMany(r => r.Calls).Select(c => c.Error).FirstOrDefault(e => e is not null)
                         ?? judged.SelectMany(r => r.Diagnostics).FirstOrDefault()?.Message ?? "no diagnostics";
            throw new Loop.ServiceUnreachableException($"judge calibration: the judge scored none of the {judged.Count} labelled rows; first error: {why}");
        }
        say?.Invoke("probe: verbosity (the same candidates with neutral filler)");
        var verbose = (await JudgeRunner.RunAsync(judge, items.Select(i => i with { Id = i.Id + "#verbose", Candidate = i.Candidate + Filler }).ToList(), runOptions, null, ct)).Rows;
        say?.Invoke("probe: off-target (another row's reference as the candidate)");
        var offTargetItems = items.Select((item, i) => OffTarget(items, i)).ToList();
        var offTarget = (await JudgeRunner.RunAsync(judge, offTargetItems.Where(x => x is not null).Select(x => x!).ToList(), runOptions, null, ct)).Rows
            .ToDictionary(r => r.Item.Id);

        double humanThreshold = Math.Min(minSimilarity, minPrecision);
        bool JudgePasses(JudgedRow r) => r.Scored && r.Similarity >= minSimilarity && r.Precision >= minPrecision;
        double? RowScore(JudgedRow? r) => r is { Scored: true } ? Math.Min(r.Similarity!.Value, r.Precision!.Value) : null;

        var rows = labels.Select((l, i) => new CalibrationRow(l.Id, l.Line, l.HumanScore, l.Passes(humanThreshold),
            judged[i].Similarity, judged[i].Precision, judged[i].Scored ? JudgePasses(judged[i]) : null,
            RowScore(verbose[i]), offTargetItems[i] is { } o ? RowScore(offTarget[o.Id]) : null,
            judged[i].Scored ? null : judged[i].Diagnostics.LastOrDefault()?.Message)).ToList();

        var numeric = rows.Where(r => r.Human is not null && r.Similarity is not null).ToList();
        var human = numeric.Select(r => r.Human!.Value).ToList();
        var agreement = new List<MetricAgreement>
        {
            Agreement("similarity", human, numeric.Select(r => r.Similarity!.Value).ToList()),
            Agreement("precision", human, numeric.Select(r => r.Precision!.Value).ToList()),
            Agreement("row (lower of the two)", human, numeric.Select(r => Math.Min(r.Similarity!.Value, r.Precision!.Value)).ToList()),
        };
        var decided = rows.Where(r => r.JudgePasses is not null).ToList();
        var humanPass = decided.Select(r => r.HumanPasses).ToList();
        var judgePass = decided.Select(r => r.JudgePasses!.Value).ToList();

        // Verbosity: the row-score change with filler, and rows that the filler turns from fail into pass.
        var verbosity = new List<(double, bool)>();
        var copying = new List<(double, bool)>();
        for (int i = 0; i < rows.Count; i++)
        {
            if (RowScore(judged[i]) is not { } original) continue;
            if (RowScore(verbose[i]) is { } padded) verbosity.Add((padded - original, JudgePasses(verbose[i]) && !JudgePasses(judged[i])));
            if (offTargetItems[i] is { } o && offTarget[o.Id] is var copied && RowScore(copied) is { } copiedScore)
                copying.Add((copiedScore - original, JudgePasses(copied)));
        }
        var probes = new List<ProbeResult>
        {
            // A problem when the gain is significant (the CI lies above 0).
            Probe("verbosity", "candidate plus neutral filler; must not gain (passed = rows the filler turned into a pass)", verbosity, flag: (_, low) => low > 0),
            // A problem when the judge passes any copied reference.
            Probe("off-target", "another row's reference as the candidate; must fail (passed = rows the judge passed anyway)", copying, flag: null),
        };
        return new CalibrationResult(judge.Name, rounds, minSimilarity, minPrecision, labels.Count, rows.Count(r => r.Similarity is not null),
            agreement, decided.Count, decided.Count == 0 ? double.NaN : humanPass.Zip(judgePass).Count(p => p.First == p.Second) / (double)decided.Count,
            CalibrationStats.CohenKappa(humanPass, judgePass), humanPass.Count(p => p), judgePass.Count(p => p), probes, rows);
    }

    /// <summary>Row i with the reference of the row half-way round the list as its candidate (skipped when the texts are the same).</summary>
    static JudgeItem? OffTarget(IReadOnlyList<JudgeItem> items, int i)
    {
        for (int step = items.Count / 2; step < items.Count + items.Count / 2; step++)
        {
            var other = items[(i + Math.Max(1, step)) % items.Count];
            if (!ReferenceEquals(other, items[i]) && other.Reference.Trim() != items[i].Reference.Trim())
                return items[i] with { Id = items[i].Id + "#off-target", Candidate = other.Reference };
        }
        return null;
    }

    static MetricAgreement Agreement(string metric, List<double> human, List<double> judge)
    {
        var (bias, low, high) = CalibrationStats.MeanWithCi(judge.Zip(human, (j, h) => j - h).ToList());
        return new MetricAgreement(metric, human.Count, CalibrationStats.Spearman(human, judge), CalibrationStats.KendallTauB(human, judge), bias, low, high);
    }

    static ProbeResult Probe(string name, string meaning, List<(double Change, bool Passed)> rows, Func<double, double, bool>? flag)
    {
        var (mean, low, high) = CalibrationStats.MeanWithCi(rows.Select(r => r.Change).ToList());
        int passed = rows.Count(r => r.Passed);
        return new ProbeResult(name, meaning, rows.Count, mean, low, high, passed, flag is null ? passed > 0 : flag(mean, low));
    }
}
