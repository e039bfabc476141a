using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Tests.Support;
using LlamaDuo.Torch.Generation;

namespace LlamaDuo.LlamaCpp.Tests.Engine;

/// <summary>stories15M exported to GGUF and run in llama.cpp, against our TorchSharp model on the same weights.</summary>
[Collection(Stories15MCollection.Name)]
public sealed class Stories15MParityTests(Stories15MFixture fixture)
{
    const string Golden = ", there was a little girl named Lily. She loved to play outside in the sunshine.";
    static readonly string[] Prompts = ["Once upon a time", "The cat sat on the mat and", "Tom and his dog went to the park. They"];

    [Fact]
    public void F32_logits_agree_with_torchsharp_on_every_position()
    {
        using var llama = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32));
        double worst = 0;
        foreach (var prompt in Prompts)
        {
            var tokens = fixture.Model.Tokenizer.Encode(prompt, addBos: true);
            Assert.Equal(tokens, llama.Tokenize(prompt, addBos: true));
            var expected = TorchReference.Logits(fixture.Model, tokens);
            var actual = llama.EvaluateLogits(tokens);
            worst = Math.Max(worst, LogitComparison.MaxAbsDiff(expected, actual));
            Assert.Equal(LogitComparison.ArgMax(expected), LogitComparison.ArgMax(actual));
        }
        Console.WriteLine($"stories15M f32: max |logit diff| {worst:g3}");
        Assert.True(worst < 1e-3, $"max |logit diff| {worst:g3}");
    }

    [Fact]
    public void F32_greedy_tokens_match_torchsharp_for_48_tokens_and_give_the_known_story()
    {
        using var llama = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32));
        using var generator = new LlamaCppGenerator(llama, contextLength: 256);
        foreach (var prompt in Prompts)
        {
            var tokens = fixture.Model.Tokenizer.Encode(prompt, addBos: true);
            var ours = new TextGenerator(fixture.Model).Generate([tokens], new GenerationOptions { MaxNewTokens = 48 })[0].TokenIds;
            var theirs = generator.Generate([tokens], new LlamaCppRequest(48, new LlamaCppSampling()))[0];
            Assert.Equal(48, ours.Count);
            Assert.Equal(ours, theirs.Tokens);
            if (prompt == "Once upon a time") Assert.StartsWith(Golden, theirs.Text);
        }
    }

    [Theory]
    [InlineData(GgufQuant.F16)]
    [InlineData(GgufQuant.BF16)]
    [InlineData(GgufQuant.Q8_0)]
    public void Reduced_precision_files_load_and_tell_the_same_greedy_story(GgufQuant quant)
    {
        using var llama = LlamaCppModel.Load(fixture.GgufPath(quant));
        using var generator = new LlamaCppGenerator(llama, contextLength: 256);
        var tokens = fixture.Model.Tokenizer.Encode("Once upon a time", addBos: true);
        var completion = generator.Generate([tokens], new LlamaCppRequest(40, new LlamaCppSampling()))[0];
        Assert.StartsWith(Golden, completion.Text);
    }
}
