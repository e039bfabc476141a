using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Service.Dedup;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Synthesis;
using LlamaDuo.Service.Tests.Dedup;
using LlamaDuo.Service.Tests.Judge;
using LlamaDuo.Service.Tests.Responders;

namespace LlamaDuo.Service.Tests.Synthesis;

/// <summary>Whole conversations through synthesis, dedup and the judge, on no_robots' Chat category (real multi-turn rows).</summary>
public class MultiTurnSynthesisTests
{
    static List<ChatExample> Chat()
    {
        SharedData.Require();
        return SharedData.Read("no_robots/no_robots-Chat.jsonl").Where(r => r.Messages.Count(m => m.Role == "user") > 1).ToList();
    }

    [Fact]
    public async Task Multi_turn_seeds_give_multi_turn_rows_with_their_own_system_prompts()
    {
        var chat = Chat();
        Assert.True(chat.Count > 100, $"{chat.Count} multi-turn rows");
        var train = chat.Take(60).ToList();
        // A generator that writes each seed's conversation again with new user wording, as a real one would vary it.
        var client = new ScriptedChatClient((messages, options) =>
        {
            var request = SynthesisPrompt.TryParse(messages[^1].Text)!;
            Assert.True(request.Conversations);
            var rows = Enumerable.Range(0, request.Count).Select(k => new
            {
                messages = request.Seeds[k % request.Seeds.Count].Select((t, i) => new
                {
                    role = t.Role,
                    content = t.Role == "user" ? $"Variation {options!.Seed}-{k}-{i}: {t.Content}" : t.Content,
                }),
            });
            return JsonSerializer.Serialize(rows);
        });
        var result = await new DataSynthesizer(client, new TaskDescription("chat", "persona chatbots"), new SynthesisOptions { RowsPerRequest = 4 })
            .GenerateAsync(train, round: 1, rowsWanted: 12);

        Assert.Equal(12, result.Rows.Count);
        foreach (var (messages, _) in client.Calls)
        {
            var request = SynthesisPrompt.TryParse(messages[^1].Text)!;
            // Seeds are shown whole: every turn of a train conversation, system prompt included.
            Assert.All(request.Seeds, s => Assert.Contains(train, t => t.Messages.SequenceEqual(s)));
        }
        Assert.All(result.Rows, r =>
        {
            Assert.True(r.Example.Messages.Count(m => m.Role == "user") > 1);
            Assert.Equal("system", r.Example.Messages[0].Role);
            Assert.Equal(1, r.Example.Messages.Count(m => m.Role == "system"));
            Assert.Equal("assistant", r.Example.Messages[^1].Role);
        });
    }

    [Fact]
    public async Task The_demo_generator_answers_a_conversation_request_with_conversations()
    {
        var train = Chat().Take(10).ToList();
        var client = new ResponderChatClient(new DemoSynthesisResponder());
        var result = await new DataSynthesizer(client, new TaskDescription("chat", "persona chatbots"), new SynthesisOptions { RowsPerRequest = 3 })
            .GenerateAsync(train, round: 1, rowsWanted: 6);
        Assert.Equal(6, result.Rows.Count);
        Assert.All(result.Rows, r => Assert.True(r.Example.Messages.Count(m => m.Role == "user") > 1));
    }

    [Fact]
    public void Dedup_and_decontamination_compare_whole_conversations()
    {
        var chat = Chat();
        var test = chat.Take(20).ToList();
        var train = chat.Skip(20).Take(200).ToList();
        var t = test[3];
        // A test conversation with a new opening: the first user turn differs, the rest is the test row's.
        var newOpening = new ChatExample("s-open", [.. t.Messages.Select((m, i) => i == t.Messages.ToList().FindIndex(x => x.Role == "user")
            ? new ChatTurn("user", "Hello there, I have a few questions for you today, please help me out with them.") : m)]);
        // A train conversation whose last reply was reworded slightly: a near duplicate of the whole conversation.
        var tr = train[7];
        var lastReplyEdited = new ChatExample("s-edit", [.. tr.Messages.Take(tr.Messages.Count - 1), new ChatTurn("assistant", tr.Messages[^1].Content + " Have a nice day!")]);
        // The same first user turn as a test row, but a different conversation after it: not contamination.
        var sameFirstTurn = new ChatExample("s-first", [
            .. t.Messages.TakeWhile(m => m.Role != "assistant"),
            new ChatTurn("assistant", "Sure, tell me more about what you need and I will help with a completely different plan."),
            new ChatTurn("user", "I would like a recipe for bread with seeds, rye flour and a long cold proof in the fridge overnight."),
            new ChatTurn("assistant", "Mix rye and wheat flour with water, salt, yeast and seeds, rest overnight in the fridge, shape and bake hot."),
        ]);
        // The share rule (8-grams, half of the smaller set), not the config's default of dropping any shared 13-gram,
        // which would drop the third row for its copied first turn.
        var result = new Deduplicator(new DedupOptions { DecontamNgram = 8, DecontamThreshold = 0.5 }).Run([newOpening, lastReplyEdited, sameFirstTurn], train, test);

        Assert.Equal(DedupReason.ContaminatesTest, result.Decisions[0].Reason);
        Assert.Equal(t.Id, result.Decisions[0].CollidedWith);
        Assert.Contains(result.Decisions[1].Reason, new[] { DedupReason.NearDuplicatesTrain, DedupReason.DuplicatesTrain });
        Assert.Equal(tr.Id, result.Decisions[1].CollidedWith);
        Assert.Equal(DedupReason.Kept, result.Decisions[2].Reason);
    }

    [Fact]
    public async Task The_judge_sees_every_earlier_turn_of_each_real_chat_row()
    {
        var rows = Chat().Take(40).ToList();
        var seen = new List<JudgePromptParts>();
        var client = new ScriptedChatClient((messages, _) =>
        {
            lock (seen) seen.Add(JudgePrompt.TryParse(messages[^1].Text)!);
            return "{\"similarity_reason\": \"r\", \"similarity\": 80, \"precision_reason\": \"r\", \"precision\": 80}";
        });
        var judge = new LlmJudge(client, new LlmJudgeOptions { Rounds = 1 });
        foreach (var row in rows)
        {
            var item = JudgeItem.FromConversation(row.Id, row.Messages, "a candidate reply");
            Assert.True((await judge.JudgeAsync(item)).Scored);
        }
        Assert.Equal(rows.Count, seen.Count);
        foreach (var row in rows)
        {
            int lastUser = row.Messages.ToList().FindLastIndex(m => m.Role == "user");
            var parts = seen.Single(p => p.Instruction == row.Messages[lastUser].Content && p.Context.SequenceEqual(row.Messages.Take(lastUser)));
            Assert.Equal(row.Messages[^1].Content, parts.Reference);
            Assert.Contains(parts.Context, c => c.Role == "system");
        }
    }
}
