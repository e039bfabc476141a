using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Generation;

namespace LlamaDuo.Torch.Tests.Generation;

[Collection(Stories15MCollection.Name)]
public class TextGeneratorTests(Stories15MFixture fixture)
{
    private TextGenerator Generator => new(fixture.Model);

    [Fact]
    public void GreedyGivesTheKnownContinuation()
    {
        var result = Generator.Generate(["Once upon a time"], new GenerationOptions { MaxNewTokens = 40 }).Single();
        Assert.StartsWith(", there was a little girl named Lily. She loved to play outside in the sunshine.", result.Text);
        Assert.Equal(40, result.CompletionTokens);
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal(5, result.PromptTokens); // BOS + 4 pieces
    }

    [Fact]
    public void PaddedBatchEqualsPromptsOneAtATime()
    {
        string[] prompts = ["Once upon a time", "The cat sat on the mat and looked at the big red ball", "Tom"];
        var options = new GenerationOptions { MaxNewTokens = 24 };
        var batched = Generator.Generate(prompts, options);
        for (var i = 0; i < prompts.Length; i++)
        {
            var alone = Generator.Generate([prompts[i]], options).Single();
            Assert.Equal(alone.TokenIds, batched[i].TokenIds);
            Assert.Equal(i, batched[i].PromptIndex);
        }
    }

    [Fact]
    public void SeededSamplingIsReproducibleAndIndependentOfBatching()
    {
        var options = new GenerationOptions { MaxNewTokens = 20, Temperature = 0.9f, TopP = 0.9f, TopK = 40, Seed = 42, SamplesPerPrompt = 4 };
        var a = Generator.Generate(["Once upon a time", "Lily"], options);
        var b = Generator.Generate(["Once upon a time", "Lily"], options with { MaxBatchSize = 3 });
        var unshared = Generator.Generate(["Once upon a time", "Lily"], options with { MaxBatchSize = 1 }); // no shared prefill
        Assert.Equal(8, a.Count);
        Assert.Equal(a.Select(r => r.Text), b.Select(r => r.Text));
        Assert.Equal(a.Select(r => r.Text), unshared.Select(r => r.Text));
        Assert.True(a.Take(4).Select(r => r.Text).Distinct().Count() > 1, "four samples at temperature 0.9 were all identical");
        var other = Generator.Generate(["Once upon a time"], options with { Seed = 43 });
        Assert.NotEqual(a.Take(4).Select(r => r.Text), other.Select(r => r.Text));
    }

    [Fact]
    public void GreedySamplesOfOnePromptAreAllTheGreedyText()
    {
        var results = Generator.Generate(["Once upon a time", "Tom"], new GenerationOptions { MaxNewTokens = 16, SamplesPerPrompt = 3 });
        var alone = Generator.Generate(["Once upon a time", "Tom"], new GenerationOptions { MaxNewTokens = 16 });
        Assert.Equal([0, 0, 0, 1, 1, 1], results.Select(r => r.PromptIndex));
        Assert.Equal([0, 1, 2, 0, 1, 2], results.Select(r => r.SampleIndex));
        for (var i = 0; i < results.Count; i++) Assert.Equal(alone[results[i].PromptIndex].TokenIds, results[i].TokenIds);
    }

    [Fact]
    public void StopStringEndsTheRowAndIsTrimmed()
    {
        var result = Generator.Generate(["Once upon a time"], new GenerationOptions { MaxNewTokens = 40, StopStrings = ["Lily"] }).Single();
        Assert.Equal(", there was a little girl named ", result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
    }

    [Fact]
    public void StopTokenEndsTheRowAndIsNotIncluded()
    {
        var tok = fixture.Model.Tokenizer;
        var girl = tok.Encode(" girl")[^1];
        var result = Generator.Generate(["Once upon a time"], new GenerationOptions { MaxNewTokens = 40, StopTokenIds = [girl] }).Single();
        Assert.Equal(", there was a little", result.Text);
        Assert.DoesNotContain(girl, result.TokenIds);
    }

    [Fact]
    public void StreamedDeltasConcatenateToTheFinalText()
    {
        var deltas = new List<string>();
        var result = Generator.Generate(["Once upon a time"], new GenerationOptions { MaxNewTokens = 30, StopStrings = ["sunshine"] },
            d => deltas.Add(d.Text)).Single();
        Assert.Equal(result.Text, string.Concat(deltas));
        Assert.True(deltas.Count > 5);
    }

    [Fact]
    public void PromptLongerThanTheContextIsAnInputError()
    {
        var longPrompt = string.Join(" ", Enumerable.Repeat("dog", 300));
        var e = Assert.Throws<InputException>(() => Generator.Generate([longPrompt], new GenerationOptions()));
        Assert.Contains("context is 256", e.Message);
    }
}
