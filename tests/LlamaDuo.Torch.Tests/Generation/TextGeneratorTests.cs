using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Generation;

namespace LlamaDuo.Torch.Tests.Generation;

[Collection(Stories15MCollection.Name)]
public class TextGeneratorTests(Stories15MFixture fixture)
{
    private TextGenerator Generator => new(fixture.Model);

    [Fact]
    public void Greedy_gives_the_known_continuation()
    {
        var result = Generator.Generate(["Once upon a time"], new GenerationOptions { MaxNewTokens = 40 }).Single();
        Assert.StartsWith(", there was a little girl named Lily. She loved to play outside in the sunshine.", result.Text);
        Assert.Equal(40, result.CompletionTokens);
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal(5, result.PromptTokens); // BOS + 4 pieces
    }

    [Fact]
    public void Padded_batch_equals_prompts_one_at_a_time()
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
    public void Seeded_sampling_is_reproducible_and_independent_of_batching()
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
    public void Greedy_samples_of_one_prompt_are_all_the_greedy_text()
    {
        var results = Generator.Generate(["Once upon a time", "Tom"], new GenerationOptions { MaxNewTokens = 16, SamplesPerPrompt = 3 });
        var alone = Generator.Generate(["Once upon a time", "Tom"], new GenerationOptions { MaxNewTokens = 16 });
        Assert.Equal([0, 0, 0, 1, 1, 1], results.Select(r => r.PromptIndex));
        Assert.Equal([0, 1, 2, 0, 1, 2], results.Select(r => r.SampleIndex));
        for (var i = 0; i < results.Count; i++) Assert.Equal(alone[results[i].PromptIndex].TokenIds, results[i].TokenIds);
    }

    [Fact]
    public void Stop_string_ends_the_row_and_is_trimmed()
    {
        var result = Generator.Generate(["Once upon a time"], new GenerationOptions { MaxNewTokens = 40, StopStrings = ["Lily"] }).Single();
        Assert.Equal(", there was a little girl named ", result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
    }

    [Fact]
    public void Stop_token_ends_the_row_and_is_not_included()
    {
        var tok = fixture.Model.Tokenizer;
        var girl = tok.Encode(" girl")[^1];
        var result = Generator.Generate(["Once upon a time"], new GenerationOptions { MaxNewTokens = 40, StopTokenIds = [girl] }).Single();
        Assert.Equal(", there was a little", result.Text);
        Assert.DoesNotContain(girl, result.TokenIds);
    }

    [Fact]
    public void Streamed_deltas_concatenate_to_the_final_text()
    {
        var deltas = new List<string>();
        var result = Generator.Generate(["Once upon a time"], new GenerationOptions { MaxNewTokens = 30, StopStrings = ["sunshine"] },
            d => deltas.Add(d.Text)).Single();
        Assert.Equal(result.Text, string.Concat(deltas));
        Assert.True(deltas.Count > 5);
    }

    [Fact]
    public void Prompt_longer_than_the_context_is_an_input_error()
    {
        var longPrompt = string.Join(" ", Enumerable.Repeat("dog", 300));
        var e = Assert.Throws<InputException>(() => Generator.Generate([longPrompt], new GenerationOptions()));
        Assert.Contains("context is 256", e.Message);
    }
}
