using LlamaDuo.Core.Data;
using LlamaDuo.Service.Dedup;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Synthesis;
using LlamaDuo.Service.Tasks;

namespace LlamaDuo.Service.Tests.Responders;

public class DemoSynthesisResponderTests
{
    static readonly TaskDescription Task = new(StoryTask.Name, StoryTask.Topic);

    static List<ChatExample> Coverage(int n, int seed) =>
        StoryTask.Generate(n, seed, SlotCoverage.Half).Select((r, i) => r.ToExample($"cov-{i}")).ToList();

    [Fact]
    public async Task Our_synthesis_prompt_round_trips_into_full_list_story_rows()
    {
        var train = Coverage(96, 15);
        var client = new ResponderChatClient(new DemoSynthesisResponder());
        var result = await new DataSynthesizer(client, Task, new SynthesisOptions { RowsPerRequest = 20 }).GenerateAsync(train, 1, 400);

        Assert.Equal(400, result.Rows.Count);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(20, client.Calls);
        var half = new[] { StorySlots.Pets, StorySlots.Toys, StorySlots.Colours, StorySlots.Places, StorySlots.Finds, StorySlots.Feelings }
            .SelectMany(l => StorySlots.Take(l, SlotCoverage.Half)).ToHashSet();
        Assert.All(result.Rows, r =>
        {
            Assert.True(StoryTask.LooksLikePrompt(r.Example.Prompt));
            Assert.Matches("^ [a-z]+$", r.Example.Response!);
        });
        // Synthesis reaches the half of the slot values the coverage set never shows.
        Assert.True(result.Rows.Count(r => !half.Contains(r.Example.Response!.Trim())) > 100);
    }

    [Fact]
    public async Task Templated_dedup_settings_keep_distinct_stories_and_drop_copies()
    {
        var coverage = Coverage(120, 15);
        var train = coverage.Take(96).ToList();
        var test = coverage.Skip(96).ToList();
        var client = new ResponderChatClient(new DemoSynthesisResponder());
        var result = await new DataSynthesizer(client, Task, new SynthesisOptions { RowsPerRequest = 20 }).GenerateAsync(train, 1, 400);
        // Plant copies: one of a test row, one of a train row.
        var rows = result.Rows.Select(r => r.Example)
            .Append(ChatExample.FromPair("copy-test", test[0].Prompt, test[0].Response!))
            .Append(ChatExample.FromPair("copy-train", train[0].Prompt, train[0].Response!)).ToList();

        var dedup = new Deduplicator(DedupOptions.ForTemplatedText).Run(rows, train, test);
        var d = dedup.Decisions.ToDictionary(x => x.RowId);
        Assert.Equal(DedupReason.ContaminatesTest, d["copy-test"].Reason);
        Assert.Equal(DedupReason.DuplicatesTrain, d["copy-train"].Reason);
        Assert.True(dedup.Kept.Count >= 380, $"kept {dedup.Kept.Count} of {rows.Count}: {string.Join(", ", dedup.Counts)}");
    }

    [Fact]
    public void Non_story_seeds_get_labelled_variations_and_unknown_prompts_null()
    {
        var seeds = new List<ChatExample> { ChatExample.FromPair("s", "Summarise the text about bees.", "Bees make honey.") };
        string reply = new DemoSynthesisResponder().TryRespond(SynthesisPrompt.Messages(new TaskDescription("summarize", "summaries"), seeds, 3).ToList())!;
        var (pairs, problems) = SyntheticPairParser.Parse(reply, new SynthesisOptions(), []);
        Assert.Equal(3, pairs.Count);
        Assert.Empty(problems);
        Assert.All(pairs, p => Assert.Contains("demo variation", p.Instruction));
        Assert.Null(new DemoSynthesisResponder().TryRespond([new(Microsoft.Extensions.AI.ChatRole.User, "Write a poem")]));
    }
}
