using LlamaDuo.Service.Judge;

namespace LlamaDuo.Service.Tests.Judge;

public class JudgeReplyParserTests
{
    [Theory]
    [InlineData("{\"similarity\": 85, \"precision\": 90}", 85, 90)]
    [InlineData("```json\n{\"similarity\": 85, \"similarity_reason\": \"close\", \"precision\": 90, \"precision_reason\": \"ok\"}\n```", 85, 90)]
    [InlineData("Sure! Here is my rating:\n{\"similarity\": 70, \"precision\": 60}\nLet me know if you need more.", 70, 60)]
    [InlineData("{\"similarity\": 85, \"precision\": 90,}", 85, 90)]
    [InlineData("{\"similarity\": \"85\", \"precision\": \"90\"}", 85, 90)]
    [InlineData("{\"similarity\": \"85/100\", \"precision\": \"9/10\"}", 85, 90)]
    [InlineData("{\"Similarity Score\": 40, \"Precision Score\": 35.5}", 40, 35.5)]
    [InlineData("{\"similarity\": {\"score\": 77, \"reason\": \"r\"}, \"precision\": {\"score\": 66, \"reason\": \"q\"}}", 77, 66)]
    [InlineData("{\"scores\": {\"similarity\": 12, \"precision\": 14}}", 12, 14)]
    [InlineData("[draft] ignore {not json} then {\"similarity\": 50, \"precision\": 51}", 50, 51)]
    [InlineData("{\"similarity\": 88, // close\n \"precision\": 91}", 88, 91)]
    [InlineData("Similarity: 80/100\nPrecision: 75/100", 80, 75)]
    [InlineData("{\"similarity\": 85, \"similarity_reason\": \"uses {braces} and \\\"quotes\\\"\", \"precision\": 90", 85, 90)]
    [InlineData("{\"similarity\": \"95%\", \"precision\": 100}", 95, 100)]
    public void ExtractsScoresFromMessyReplies(string reply, double similarity, double precision)
    {
        Assert.True(JudgeReplyParser.TryParse(reply, out var scores, out var error), error);
        Assert.Equal(similarity, scores!.Similarity, 6);
        Assert.Equal(precision, scores.Precision, 6);
    }

    [Fact]
    public void KeepsReasons()
    {
        Assert.True(JudgeReplyParser.TryParse("{\"similarity\": 85, \"similarity_reason\": \"same facts\", \"precision\": 90, \"precision_reason\": \"on task\"}", out var s, out _));
        Assert.Equal("same facts", s!.SimilarityReason);
        Assert.Equal("on task", s.PrecisionReason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("I cannot rate this answer.")]
    [InlineData("{\"similarity\": 85}")]
    [InlineData("{\"similarity\": 185, \"precision\": 90}")]
    [InlineData("{\"similarity\": \"high\", \"precision\": \"low\"}")]
    [InlineData("<html>502 Bad Gateway</html>")]
    public void RejectsRepliesWithoutTwoValidScores(string reply)
    {
        Assert.False(JudgeReplyParser.TryParse(reply, out var scores, out var error));
        Assert.Null(scores);
        Assert.False(string.IsNullOrEmpty(error));
    }
}
