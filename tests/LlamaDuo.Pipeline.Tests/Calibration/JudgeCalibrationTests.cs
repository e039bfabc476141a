using LlamaDuo.Pipeline.Calibration;
using LlamaDuo.Pipeline.Report;
using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Tests.Calibration;

/// <summary>The probes catch the biases they are for, with judges that have them.</summary>
public class JudgeCalibrationTests
{
    /// <summary>A judge given as a function of the item: similarity = precision = score(item).</summary>
    sealed class RuleJudge(Func<JudgeItem, double> score) : IRowJudge
    {
        public string Name => "rule";
        public Task<JudgedRow> JudgeAsync(JudgeItem item, CancellationToken cancellationToken = default)
        {
            double s = score(item);
            return Task.FromResult(JudgedRow.FromCalls(item, Name, [new JudgeCall(0, 1, new JudgeScores(s, s), null, null)]));
        }
    }

    static List<LabelledRow> Labels() => Enumerable.Range(0, 20).Select(i =>
        new LabelledRow($"r{i}", i + 1, $"question {i}", null, $"answer {i}", i % 2 == 0 ? $"answer {i}" : "wrong", i % 2 == 0 ? 95 : 10, null)).ToList();

    static Task<CalibrationResult> Run(Func<JudgeItem, double> score) =>
        JudgeCalibration.RunAsync(new RuleJudge(score), 1, Labels(), 90, 90, new JudgeRunOptions());

    [Fact]
    public async Task A_fair_judge_agrees_and_passes_both_probes()
    {
        var r = await Run(item => item.Candidate.Split('\n')[0] == item.Reference ? 95 : 10);
        Assert.Equal(1, r.PassAgreement, 9);
        Assert.Equal(1, r.CohenKappa, 9);
        Assert.All(r.Probes, p => Assert.False(p.Flagged, p.Probe));
        Assert.Equal(0, r.Agreement[2].Bias, 9);
    }

    [Fact]
    public async Task A_judge_that_rewards_length_is_flagged_by_the_verbosity_probe()
    {
        var r = await Run(item => Math.Min(100, (item.Candidate.StartsWith(item.Reference, StringComparison.Ordinal) ? 85 : 10) + item.Candidate.Length / 20.0));
        var verbosity = r.Probes.Single(p => p.Probe == "verbosity");
        Assert.True(verbosity.Flagged);
        Assert.True(verbosity.MeanChange > 5);
        Assert.True(verbosity.Passed > 0);  // the filler turned fails into passes
    }

    [Fact]
    public async Task A_judge_that_passes_anything_fluent_is_flagged_by_the_off_target_probe()
    {
        var r = await Run(item => item.Candidate.StartsWith("answer", StringComparison.Ordinal) ? 95 : 10);
        var offTarget = r.Probes.Single(p => p.Probe == "off-target");
        Assert.True(offTarget.Flagged);
        Assert.Equal(20, offTarget.Passed);
    }

    [Fact]
    public async Task The_run_report_gets_a_calibration_section_when_the_run_folder_holds_one()
    {
        var r = await Run(item => 50);
        var dir = Directory.CreateTempSubdirectory("llamaduo-cal-").FullName;
        try
        {
            const string page = "<html><body><h2>Verdict per round</h2><p class=\"meta\">Generated from run.db</p></body></html>";
            Assert.Equal(page, CalibrationSection.Insert(page, dir));
            CalibrationReport.Write(r, Path.Combine(dir, "calibration"));
            var html = CalibrationSection.Insert(page, dir);
            Assert.True(html.IndexOf("Judge calibration", StringComparison.Ordinal) < html.IndexOf("Generated from run.db", StringComparison.Ordinal));
            Assert.Contains("off-target", html);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
