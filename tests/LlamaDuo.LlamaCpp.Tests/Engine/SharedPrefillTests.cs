using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Tests.Support;

namespace LlamaDuo.LlamaCpp.Tests.Engine;

/// <summary>
/// K samples of one prompt submitted as a group (the infer stage's K answers per test prompt): the prompt is prefilled
/// once and its KV cells copied to the other members, which must give what K independent sequences with the same
/// seeds give, also when the group is split over steps because fewer slots are free than it has members.
/// </summary>
[Collection(Stories15MCollection.Name)]
public sealed class SharedPrefillTests(Stories15MFixture fixture)
{
    static LlamaCppRequest Sampled(int seed) => new(40, new LlamaCppSampling(Temperature: 0.8f, Seed: seed));

    [Theory]
    [InlineData(8)] // the whole group admitted in one step: one prefill
    [InlineData(3)] // three slots for four members: three share one prefill, the fourth prefills when a slot frees
    public async Task K_samples_sharing_a_prefill_give_what_K_independent_sequences_with_the_same_seeds_give(int slots)
    {
        using var model = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32));
        using var scheduler = new LlamaCppBatchScheduler(model, slots, slotLength: 256);
        var prompt = model.Tokenize("Lily and Ben went to the park. They saw", model.AddsBos);
        var requests = Enumerable.Range(0, 4).Select(k => Sampled(seed: 31 + k)).ToList();

        var independent = new List<string>();
        foreach (var request in requests) independent.Add((await scheduler.SubmitAsync(prompt, request)).Text);
        long prefillBefore = scheduler.PrefillTokens;
        var grouped = (await Task.WhenAll(scheduler.SubmitGroup(prompt, requests))).Select(c => c.Text).ToList();
        long prefill = scheduler.PrefillTokens - prefillBefore;

        Assert.Equal(slots >= 4 ? prompt.Count : 2 * prompt.Count, prefill);
        Assert.True(independent.Distinct().Count() >= 3, "the four seeds should give different stories: " + string.Join(" | ", independent));
        // Batch composition moves logits by ~1e-5 (see LlamaCppSampling), which can change a seeded pick about once in
        // ~2000 tokens: allow one of the four to part, after a common start; a shared or swapped random stream would
        // change them all from the first token.
        var differing = independent.Zip(grouped).Where(p => p.First != p.Second).ToList();
        Assert.True(differing.Count <= 1, $"{differing.Count} of 4 samples changed when sharing the prefill");
        Assert.All(differing, p => Assert.Equal(p.First[..10], p.Second[..10]));
        Assert.Equal(0, scheduler.Active);
    }

    [Fact]
    public async Task With_llama_cpp_s_default_cache_the_same_groups_queued_at_once_give_the_same_texts_on_a_rerun()
    {
        // What the infer stage relies on (it uses the fp16 cache): all groups are queued in one call, so the decodes'
        // composition depends only on the inputs and the drawn tokens, and a rerun (resume) writes the same answers.
        using var model = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32));
        string[] texts = ["Lily and Ben went to the park. They saw", "Tom had a red ball", "Once upon a time"];
        async Task<List<string>> Run()
        {
            using var scheduler = new LlamaCppBatchScheduler(model, slots: 5, slotLength: 256, exactCache: false);
            var groups = texts.Select((t, p) => ((IReadOnlyList<int>)model.Tokenize(t, model.AddsBos),
                (IReadOnlyList<LlamaCppRequest>)Enumerable.Range(0, 4).Select(k => Sampled(seed: 10 * p + k)).ToList())).ToList();
            var answers = scheduler.SubmitGroups(groups);
            return (await Task.WhenAll(answers.SelectMany(g => g))).Select(c => c.Text).ToList();
        }
        var first = await Run();
        var second = await Run();
        Assert.True(first.Distinct().Count() >= 10, "twelve seeds should give different stories: " + string.Join(" | ", first));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Groups_of_different_prompts_run_side_by_side_and_each_sample_keeps_its_own_options()
    {
        using var model = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32));
        using var scheduler = new LlamaCppBatchScheduler(model, slots: 4, slotLength: 256);
        string[] texts = ["Once upon a time", "Tom had a red ball"];
        var greedy = new LlamaCppRequest(24, new LlamaCppSampling());
        var alone = new List<string>();
        foreach (var text in texts) alone.Add((await scheduler.SubmitAsync(model.Tokenize(text, model.AddsBos), greedy)).Text);

        // Two groups of three: greedy, greedy with a shorter budget, sampled; six members for four slots.
        var groups = texts.Select(t => scheduler.SubmitGroup(model.Tokenize(t, model.AddsBos),
            [greedy, greedy with { MaxNewTokens = 8 }, Sampled(seed: 5)])).ToList();
        var results = await Task.WhenAll(groups.Select(g => Task.WhenAll(g)));

        for (int p = 0; p < texts.Length; p++)
        {
            Assert.Equal(alone[p], results[p][0].Text);
            Assert.Equal(8, results[p][1].Tokens.Count);
            Assert.StartsWith(results[p][1].Text, alone[p]);
            Assert.Equal("length", results[p][1].FinishReason);
        }
        Assert.StartsWith(", there was a little girl named Lily", results[0][0].Text);
    }
}
