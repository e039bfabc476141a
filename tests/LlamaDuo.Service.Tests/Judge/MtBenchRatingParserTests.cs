using System.Text.Json;
using LlamaDuo.Service.Judge.MtBench;

namespace LlamaDuo.Service.Tests.Judge;

public class MtBenchRatingParserTests
{
    static readonly string Dir = Path.Combine(LlamaDuo.Service.Tests.Dedup.SharedData.Root, "mt_bench", "model_judgment");

    [Theory]
    [InlineData("The answer is good. Rating: [[8]]", 8)]
    [InlineData("Rating: [[9.5]]", 9.5)]
    [InlineData("Rating: [[ 10 ]]", 10)]
    [InlineData("Rating: [[1]]", 1)]
    [InlineData("I rate it 9 out of 10.\n\n[Rating: [[9]]]", 9)]
    [InlineData("The code `x = [[3]]` is fine overall. Rating: [[7]]", 7)]
    [InlineData("```python\nm = [[2]]\n```\nRating: [[6]]", 6)]
    // Real judgements: the first rating is the verdict, later ones are hypotheticals.
    [InlineData("Rating: [[9]]. A revised answer would earn a rating of [[10]].", 9)]
    public void Reads_the_rating(string judgment, double expected)
    {
        Assert.True(MtBenchRatingParser.TryParse(judgment, out var rating, out var why), why);
        Assert.Equal(expected, rating);
    }

    /// <summary>Brackets from code, cut-off judgements and out-of-scale numbers: never a rating.</summary>
    [Theory]
    [InlineData("The fix declares char input[100]; and reads into it.", "no [[rating]]")]
    [InlineData("It pops heap[0] and then sifts down", "no [[rating]]")]
    [InlineData("The corrected code:\n```c\nchar input[100];\nint heap[0] = [[5]];", "no [[rating]]")]
    [InlineData("```python\ndef f(a):\n    return a[[1]]", "no [[rating]]")]
    [InlineData("I give it [7] overall.", "no [[rating]]")]
    [InlineData("[The Start of Rating]\n\n[5]\n\n[The End of Rating]", "no [[rating]]")]
    [InlineData("Rating: [[100]]", "outside 1-10")]
    [InlineData("Rating: [[0]]", "outside 1-10")]
    [InlineData("Use grid[[2]] to index it.", "no [[rating]]")]
    [InlineData("$ERROR$", "no [[rating]]")]
    [InlineData("Rating: 8/10", "no [[rating]]")]
    [InlineData("", "empty")]
    public void Hostile_judgements_are_diagnostics(string judgment, string why)
    {
        Assert.False(MtBenchRatingParser.TryParse(judgment, out _, out var diagnostic));
        Assert.Contains(why, diagnostic);
    }

    /// <summary>
    /// Every record of the three GPT-4 files parses to its recorded score, and the records recorded as -1 (no
    /// rating) are diagnostics. The granite-as-judge file (not GPT-4, mostly unformatted) matches too, except three
    /// records whose recorded score came from FastChat's single-bracket fallback: line 51 ("[5]" between rating
    /// markers, a rating in the wrong format) and lines 98 and 135 (0 from "array[0]" in code, an invented score).
    /// Those are diagnostics here, by design.
    /// </summary>
    [Fact]
    public void Reproduces_every_recorded_score_in_the_real_judgement_files()
    {
        LlamaDuo.Service.Tests.Dedup.SharedData.Require();
        const string granite = "NOT-GPT4_granite-7b-lab-as-judge_single__instructlab.jsonl";
        int rows = 0, decimals = 0, unrated = 0;
        var mismatches = new List<string>();
        foreach (var file in Directory.GetFiles(Dir, "*.jsonl"))
        {
            int line = 0;
            foreach (var text in File.ReadLines(file))
            {
                line++;
                if (text.Trim().Length == 0) continue;
                using var doc = JsonDocument.Parse(text);
                double recorded = doc.RootElement.GetProperty("score").GetDouble();
                bool ok = MtBenchRatingParser.TryParse(doc.RootElement.GetProperty("judgment").GetString(), out var rating, out _);
                double parsed = ok ? rating : -1;
                rows++;
                if (recorded != Math.Floor(recorded)) decimals++;
                if (recorded == -1) unrated++;
                if (parsed != recorded) mismatches.Add($"{Path.GetFileName(file)}:{line} recorded {recorded} parsed {parsed}");
            }
        }
        Assert.Equal(970, rows);
        Assert.True(decimals > 0);
        Assert.Equal(124, unrated);
        Assert.Equal(new[] { $"{granite}:51 recorded 5 parsed -1", $"{granite}:98 recorded 0 parsed -1", $"{granite}:135 recorded 0 parsed -1" }
            .Order(StringComparer.Ordinal), mismatches.Order(StringComparer.Ordinal));
    }
}
