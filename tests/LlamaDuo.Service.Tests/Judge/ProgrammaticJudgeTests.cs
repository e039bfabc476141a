using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Judge.Programmatic;

namespace LlamaDuo.Service.Tests.Judge;

public class ProgrammaticJudgeTests
{
    [Theory]
    [InlineData(" dog", "dog", 100)]
    [InlineData("The Dog.", "dog", 100)]
    [InlineData("cat", "dog", 0)]
    [InlineData("dog house", "dog", 0)]
    public void Exact_match_normalises(string candidate, string reference, double expected) =>
        Assert.Equal(expected, new ProgrammaticJudge(ProgrammaticMetric.ExactMatch).Score(candidate, reference));

    [Fact]
    public void Rouge_L_matches_hand_computed_lcs()
    {
        // LCS("the cat sat on the mat", "the cat lay on a mat") = the cat on mat = 4; P = 4/6, R = 4/6.
        Assert.Equal(4.0 / 6, RougeL.F1("the cat sat on the mat", "the cat lay on a mat"), 9);
        Assert.Equal(1, RougeL.F1("A b C", "a B c"), 9);
        Assert.Equal(0, RougeL.F1("x y", "z"), 9);
    }

    [Fact]
    public void Bit_parallel_lcs_agrees_with_dynamic_programming_across_word_boundaries()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var a = Enumerable.Range(0, rng.Next(1, 200)).Select(_ => rng.Next(6)).ToArray();
            var b = Enumerable.Range(0, rng.Next(1, 200)).Select(_ => rng.Next(6)).ToArray();
            Assert.Equal(DpLcs(a, b), RougeL.Lcs(a, b));
        }
    }

    [Fact]
    public void Bleu_is_one_for_identical_text_and_smoothed_for_short_answers()
    {
        Assert.Equal(1, SentenceBleu.Score("the quick brown fox jumps", "the quick brown fox jumps"), 9);
        double partial = SentenceBleu.Score("the quick brown fox", "the quick brown fox jumps");
        Assert.InRange(partial, 0.5, 0.99);
        Assert.True(SentenceBleu.Score("dog", "dog") > 0);  // no 4-grams, still non-zero thanks to smoothing
        Assert.Equal(0, SentenceBleu.Score("cat", "dog"));
    }

    [Fact]
    public async Task Runs_as_a_judge_and_is_selectable_by_name()
    {
        var judge = ProgrammaticJudge.FromName("exact_match");
        var result = await JudgeRunner.RunAsync(judge, [new JudgeItem("a", "q", "dog", " dog"), new JudgeItem("b", "q", "dog", "cat")]);
        Assert.Equal(50, result.Similarity.Mean);
        Assert.Equal(ProgrammaticMetric.RougeL, ProgrammaticJudge.FromName("ROUGE-L").Metric);
        Assert.Throws<InputException>(() => ProgrammaticJudge.FromName("meteor"));
    }

    static int DpLcs(int[] a, int[] b)
    {
        var dp = new int[a.Length + 1, b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                dp[i, j] = a[i - 1] == b[j - 1] ? dp[i - 1, j - 1] + 1 : Math.Max(dp[i - 1, j], dp[i, j - 1]);
        return dp[a.Length, b.Length];
    }
}
