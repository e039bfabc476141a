using System.Diagnostics;
using LlamaDuo.Torch.Generation;
using Xunit.Abstractions;

namespace LlamaDuo.Torch.Tests.Generation;

/// <summary>Decode throughput of stories15M at batch 1 and 8 (run with --filter Category=Bench; numbers go to the test log).</summary>
[Collection(Stories15MCollection.Name)]
public class GenerationThroughputBench(Stories15MFixture fixture, ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Bench")]
    public void Decode_tokens_per_second_at_batch1_and8()
    {
        var generator = new TextGenerator(fixture.Model);
        var options = new GenerationOptions { MaxNewTokens = 200, Temperature = 0.8f, Seed = 1, StopTokenIds = [-1] };
        generator.Generate(["Once upon a time"], options with { MaxNewTokens = 20 }); // warm-up
        foreach (var batch in new[] { 1, 8 })
        {
            var prompts = Enumerable.Range(0, batch).Select(i => $"Once upon a time there was a {i}").ToArray();
            var clock = Stopwatch.StartNew();
            var results = generator.Generate(prompts, options with { MaxBatchSize = batch });
            var seconds = clock.Elapsed.TotalSeconds;
            var tokens = results.Sum(r => r.CompletionTokens);
            output.WriteLine($"batch={batch} tokens={tokens} seconds={seconds:F2} tok/s={tokens / seconds:F1}");
            Console.WriteLine($"batch={batch} tokens={tokens} seconds={seconds:F2} tok/s={tokens / seconds:F1}");
        }
    }
}
