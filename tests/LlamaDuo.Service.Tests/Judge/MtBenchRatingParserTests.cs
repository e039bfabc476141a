using System.Text.Json;
using LlamaDuo.Service.Judge.MtBench;

namespace LlamaDuo.Service.Tests.Judge;

public class MtBenchRatingParserTests
{
    static readonly string Dir = Path.Combine(LlamaDuo.Service.Tests.Dedup.SharedData.Root, "mt_bench", "model_judgment");

    [Theory]
    [InlineData("The answer is good. Rating: [[8]]", 8)]
    [InlineData("Rating: [[9.5]]", 9.5)]
    [InlineData("I give it [7] overall.", 7)]
    [InlineData("First [[3]] then [[9]]", 3)]
    [InlineData("$ERROR$", -1)]
    [InlineData("Rating: 8/10", -1)]
    public void ParsesTheRatingFormat(string judgment, double expected) =>
        Assert.Equal(expected, MtBenchRatingParser.Parse(judgment));

    [Fact]
    public void ReproducesEveryRecordedScoreInTheRealJudgementFiles()
    {
        LlamaDuo.Service.Tests.Dedup.SharedData.Require();
        var perFile = new Dictionary<string, (int Rows, int Matched, int Decimal, int Unrated)>();
        foreach (var file in Directory.GetFiles(Dir, "*.jsonl"))
        {
            int rows = 0, matched = 0, dec = 0, unrated = 0;
            foreach (var line in File.ReadLines(file).Where(l => l.Trim().Length > 0))
            {
                using var doc = JsonDocument.Parse(line);
                double recorded = doc.RootElement.GetProperty("score").GetDouble();
                double parsed = MtBenchRatingParser.Parse(doc.RootElement.GetProperty("judgment").GetString()!);
                rows++;
                if (parsed == recorded) matched++;
                if (recorded != Math.Floor(recorded)) dec++;
                if (recorded == -1) unrated++;
            }
            perFile[Path.GetFileName(file)] = (rows, matched, dec, unrated);
        }
        Assert.Equal(970, perFile.Values.Sum(v => v.Rows));
        Assert.All(perFile, kv => Assert.True(kv.Value.Rows == kv.Value.Matched, $"{kv.Key}: {kv.Value.Matched}/{kv.Value.Rows}"));
        // The README's edge cases are present, so the test exercises them.
        Assert.True(perFile.Values.Sum(v => v.Decimal) > 0);
        Assert.Equal(4, perFile["gpt-4_single__llama3-8b_dreaming-panda.jsonl"].Unrated);
        Assert.Equal(120, perFile["NOT-GPT4_granite-7b-lab-as-judge_single__instructlab.jsonl"].Unrated);
    }
}
