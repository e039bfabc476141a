using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Tasks;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Responders;

public class DemoJudgeResponderTests
{
    static readonly List<StoryRow> Rows = StoryTask.Generate(60, 4, SlotCoverage.Full);

    [Fact]
    public void Our_judge_prompt_round_trips_through_the_responder_and_our_parser()
    {
        var responder = new DemoJudgeResponder();
        var replies = new List<string>();
        for (int i = 0; i < Rows.Count; i++)
        {
            var row = Rows[i];
            bool right = i % 2 == 0;
            string candidate = right ? row.Response + "\nThe end." : " " + Rows[(i + 1) % Rows.Count].Answer;
            if (!right && candidate.Trim() == row.Answer) continue;
            string reply = responder.TryRespond(JudgePrompt.Messages(new JudgeItem($"r{i}", row.Prompt, row.Response, candidate)).ToList())!;
            replies.Add(reply);
            Assert.True(JudgeReplyParser.TryParse(reply, out var s, out var error), error);
            if (right) Assert.True(s!.Similarity >= 94 && s.Precision >= 94, reply);
            else Assert.True(s!.Similarity <= 30 && s.Precision <= 30, reply);
        }
        // All three reply wrappings (bare, fenced, prose) occur, so lenient parsing is exercised.
        Assert.Contains(replies, r => r.StartsWith('{'));
        Assert.Contains(replies, r => r.StartsWith("```"));
        Assert.Contains(replies, r => r.StartsWith("Here is"));
    }

    [Fact]
    public void Same_prompt_same_reply_and_unknown_prompts_are_left_to_others()
    {
        var responder = new DemoJudgeResponder();
        var messages = JudgePrompt.Messages(new JudgeItem("x", Rows[0].Prompt, Rows[0].Response, " cat")).ToList();
        Assert.Equal(responder.TryRespond(messages), responder.TryRespond(messages));
        Assert.Null(responder.TryRespond([new ChatMessage(ChatRole.User, "Hello there")]));
    }

    [Fact]
    public async Task Long_references_are_scored_by_overlap()
    {
        var client = new ResponderChatClient(new DemoJudgeResponder());
        var judge = new LlmJudge(client, new LlmJudgeOptions { Rounds = 2 });
        var same = await judge.JudgeAsync(new JudgeItem("a", "Summarise.", "The cat sat on the mat all day long.", "The cat sat on the mat all day long."));
        var other = await judge.JudgeAsync(new JudgeItem("b", "Summarise.", "The cat sat on the mat all day long.", "Stocks fell sharply yesterday."));
        Assert.True(same.Similarity >= 95);
        Assert.True(other.Similarity <= 10);
    }

    [Fact]
    public async Task The_judge_stage_over_the_responder_separates_a_weak_student_from_a_strong_one()
    {
        var client = new ResponderChatClient(new DemoJudgeResponder());
        var judge = new LlmJudge(client, new LlmJudgeOptions { Rounds = 3 });
        JudgeItem Item(int i, bool right) => new($"t{i}", Rows[i].Prompt, Rows[i].Response, right ? Rows[i].Response : " xylophone");

        var weak = await JudgeRunner.RunAsync(judge, Rows.Select((_, i) => Item(i, i % 5 < 2)).ToList());   // 40% right
        var strong = await JudgeRunner.RunAsync(judge, Rows.Select((_, i) => Item(i, i % 30 != 0)).ToList()); // ~97% right
        Assert.False(weak.Decision.Passed);
        Assert.True(weak.Similarity.Mean < 60);
        Assert.True(strong.Decision.Passed, strong.Decision.ToString());
        Assert.Equal(0, strong.UnscoredRows);
        Assert.Equal(2 * 60 * 3, client.Calls);
    }
}
