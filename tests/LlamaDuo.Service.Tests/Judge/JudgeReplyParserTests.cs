using LlamaDuo.Service.Judge;

namespace LlamaDuo.Service.Tests.Judge;

public class JudgeReplyParserTests
{
    [Theory]
    [InlineData("{\"similarity\": 85, \"precision\": 90}", 85, 90)]
    [InlineData("```json\n{\"similarity_reason\": \"close\", \"similarity\": 85, \"precision_reason\": \"ok\", \"precision\": 90}\n```", 85, 90)]
    [InlineData("Sure! Here is my rating:\n{\"similarity\": 70, \"precision\": 60}\nLet me know if you need more.", 70, 60)]
    [InlineData("{\"similarity\": 85, \"precision\": 90,}", 85, 90)]
    [InlineData("{\"similarity\": \"85\", \"precision\": \" 90 \"}", 85, 90)]
    [InlineData("{\"similarity\": \"85/100\", \"precision\": \"90 / 100\"}", 85, 90)]
    [InlineData("{\"Similarity\": 40, \"PRECISION\": 35.5}", 40, 35.5)]
    [InlineData("{\"similarity\": 85.5, \"precision\": \"99.25\"}", 85.5, 99.25)]
    [InlineData("{\"similarity\": 1, \"precision\": 100}", 1, 100)]
    [InlineData("[draft] ignore {not json} then {\"similarity\": 50, \"precision\": 51}", 50, 51)]
    [InlineData("{\"similarity\": 88, // close\n \"precision\": 91}", 88, 91)]
    [InlineData("{\"similarity_reason\": \"uses {braces} and \\\"quotes\\\" and says precision: 3\", \"similarity\": 85, \"precision\": 90}", 85, 90)]
    // The judge repeats itself: the same verdict twice is one verdict.
    [InlineData("{\"similarity\": 80, \"precision\": 70}\nTo confirm: {\"similarity\": 80, \"precision\": 70}", 80, 70)]
    // Objects that are not verdicts (no similarity or precision key) are ignored.
    [InlineData("The answer uses {\"a\": 1}. {\"similarity\": 60, \"precision\": 65}", 60, 65)]
    public void Reads_each_score_from_its_own_key(string reply, double similarity, double precision)
    {
        Assert.True(JudgeReplyParser.TryParse(reply, out var scores, out var error), error);
        Assert.Equal(similarity, scores!.Similarity, 6);
        Assert.Equal(precision, scores.Precision, 6);
    }

    [Fact]
    public void Keeps_reasons()
    {
        Assert.True(JudgeReplyParser.TryParse("{\"similarity_reason\": \"same facts\", \"similarity\": 85, \"precision_reason\": \"on task\", \"precision\": 90}", out var s, out _));
        Assert.Equal("same facts", s!.SimilarityReason);
        Assert.Equal("on task", s.PrecisionReason);
    }

    /// <summary>The hostile replies: each used to give a number; each must be a diagnostic now.</summary>
    [Theory]
    [InlineData("{\"similarity\": null, \"precision\": 90}", "\"similarity\": null")]
    [InlineData("{\"similarity\": \"high\", \"precision\": 90}", "\"similarity\": \"high\"")]
    [InlineData("{\"similarity\": \"-5\", \"precision\": 90}", "outside 1-100")]
    [InlineData("{\"similarity\": -5, \"precision\": 90}", "outside 1-100")]
    [InlineData("{\"similarity\": 185, \"precision\": 90}", "outside 1-100")]
    [InlineData("{\"similarity\": 0, \"precision\": 90}", "outside 1-100")]
    [InlineData("{\"similarity\": true, \"precision\": 90}", "\"similarity\": true")]
    [InlineData("{\"similarity\": \"9/10\", \"precision\": 90}", "\"similarity\": \"9/10\"")]
    [InlineData("{\"similarity\": \"95%\", \"precision\": 90}", "\"similarity\": \"95%\"")]
    [InlineData("{\"similarity\": \"85 points\", \"precision\": 90}", "\"similarity\": \"85 points\"")]
    [InlineData("{\"similarity\": [85], \"precision\": 90}", "\"similarity\": [85]")]
    [InlineData("{\"similarity\": {\"score\": 85}, \"precision\": 90}", "\"similarity\"")]
    [InlineData("{\"similarity\": 85}", "missing key \"precision\"")]
    [InlineData("{\"precision\": 90, \"notes\": \"similarity 85\"}", "missing key \"similarity\"")]
    [InlineData("{\"similarity\": 50, \"similarity\": 90, \"precision\": 90}", "appears 2 times")]
    [InlineData("Similarity (1-100): 85\nPrecision (1-100): 90", "no complete JSON object")]
    [InlineData("Similarity (out of 100): 85, precision (out of 100): 90", "no complete JSON object")]
    [InlineData("The candidate covers 3 of 4 points, so similarity 75 and precision 70.", "no complete JSON object")]
    [InlineData("Similarity: 80/100\nPrecision: 75/100", "no complete JSON object")]
    [InlineData("{\"similarity\": 85, \"similarity_reason\": \"cut off", "no complete JSON object")]
    [InlineData("{\"scores\": {\"similarity\": 12, \"precision\": 14}}", "no complete JSON object")]
    [InlineData("", "empty reply")]
    [InlineData("I cannot rate this answer.", "no complete JSON object")]
    [InlineData("<html>502 Bad Gateway</html>", "no complete JSON object")]
    // The judge revising itself with different numbers: we do not pick one.
    [InlineData("{\"similarity\": 70, \"precision\": 80}\nWait, on reflection:\n{\"similarity\": 60, \"precision\": 80}", "disagree (70/80 then 60/80)")]
    // One good verdict and one broken one: the broken one is reported, not skipped.
    [InlineData("{\"similarity\": 70, \"precision\": 80} {\"similarity\": \"n/a\", \"precision\": 80}", "\"similarity\": \"n/a\"")]
    public void Hostile_replies_are_diagnostics_never_numbers(string reply, string why)
    {
        Assert.False(JudgeReplyParser.TryParse(reply, out var scores, out var error));
        Assert.Null(scores);
        Assert.Contains(why, error);
    }
}
