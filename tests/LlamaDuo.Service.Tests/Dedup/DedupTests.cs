using LlamaDuo.Core.Data;
using LlamaDuo.Service.Dedup;

namespace LlamaDuo.Service.Tests.Dedup;

public class DedupTests
{
    static ChatExample Row(string id, string prompt, string response) => ChatExample.FromPair(id, prompt, response);

    /// <summary>A light paraphrase: every 15th word dropped and one synonym swapped, keeping Jaccard high.</summary>
    static string NearCopy(string text)
    {
        var words = text.Split(' ');
        var kept = words.Where((_, i) => i % 15 != 7).ToList();
        if (kept.Count > 3) kept[kept.Count / 2] = "really";
        return string.Join(' ', kept);
    }

    [Fact]
    public void Bands_and_rows_fit_the_permutations_and_favour_recall()
    {
        var p = LshParameters.Choose(0.5, 128, 0.15, 0.85);
        Assert.True(p.Bands * p.Rows <= 128);
        Assert.True(LshParameters.Probability(0.6, p.Bands, p.Rows) > 0.97, $"b={p.Bands} r={p.Rows}");
        Assert.True(LshParameters.Probability(0.2, p.Bands, p.Rows) < 0.05, $"b={p.Bands} r={p.Rows}");
        Assert.True(p.FalseNegativeArea < 0.02);
    }

    [Fact]
    public void Exact_and_near_duplicates_and_contamination_are_dropped_with_reasons()
    {
        string Story(int i) => $"Story number {i} tells of a {(i % 2 == 0 ? "brave" : "quiet")} fox called F{i} who walked along river R{i} " +
                               $"past mill M{i} and farm G{i}, then climbed hill H{i} to watch the sunset over valley V{i} before going home to den D{i}.";
        var train = Enumerable.Range(0, 5).Select(i => Row($"train-{i}", "Write a story.", Story(i))).ToList();
        var test = new List<ChatExample> { Row("test-0", "Write a story about the moon.", Story(100)) };
        var synthetic = new List<ChatExample>
        {
            Row("s-new", "Write a story.", Story(200)),                               // new
            Row("s-exact-train", "WRITE a story!", Story(1).ToUpperInvariant()),      // same words as train-1
            Row("s-near-train", "Write a story.", NearCopy(Story(2))),                // paraphrase of train-2
            Row("s-test", "Write a story about the moon.", NearCopy(Story(100))),     // near copy of the test row
            Row("s-dup", "Write a story.", Story(200) + " "),                          // exact duplicate of s-new
            Row("s-near", "Write a story.", NearCopy(Story(200))),                     // near duplicate of s-new
            Row("s-empty", "...", "!!"),
        };
        var result = new Deduplicator().Run(synthetic, train, test);
        var d = result.Decisions.ToDictionary(x => x.RowId);

        Assert.Equal(DedupReason.Kept, d["s-new"].Reason);
        Assert.Equal((DedupReason.DuplicatesTrain, "train-1"), (d["s-exact-train"].Reason, d["s-exact-train"].CollidedWith));
        Assert.Equal((DedupReason.NearDuplicatesTrain, "train-2"), (d["s-near-train"].Reason, d["s-near-train"].CollidedWith));
        Assert.Equal((DedupReason.ContaminatesTest, "test-0"), (d["s-test"].Reason, d["s-test"].CollidedWith));
        Assert.Equal((DedupReason.ExactDuplicate, "s-new"), (d["s-dup"].Reason, d["s-dup"].CollidedWith));
        Assert.Equal((DedupReason.NearDuplicate, "s-new"), (d["s-near"].Reason, d["s-near"].CollidedWith));
        Assert.Equal(DedupReason.Empty, d["s-empty"].Reason);
        Assert.Equal(["s-new"], result.Kept.Select(r => r.Id));
        Assert.Contains("\"Reason\":\"NearDuplicatesTrain\"", System.Text.Json.JsonSerializer.Serialize(d["s-near-train"]));
        Assert.Equal(synthetic.Count, result.Decisions.Count);
    }

    [Fact]
    public void A_test_prompt_embedded_in_longer_text_is_contamination()
    {
        string testPrompt = "Summarize the following passage about the history of the printing press in Europe and its effect on literacy";
        var test = new List<ChatExample> { Row("t", testPrompt, "It spread literacy.") };
        string padded = "Here is a task for you. " + testPrompt + ". Please answer in three short sentences with plain words, and add a title, " +
                        "a list of key dates, the names of the printers involved, and a closing remark about modern publishing.";
        var result = new Deduplicator().Run([Row("s", padded, "Gutenberg's press made books cheap; more people learned to read.")], [], test);
        Assert.Equal(DedupReason.ContaminatesTest, result.Decisions[0].Reason);
        Assert.Equal("t", result.Decisions[0].CollidedWith);
    }
}
