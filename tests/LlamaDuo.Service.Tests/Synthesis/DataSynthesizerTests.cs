using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Service.Synthesis;
using LlamaDuo.Service.Tests.Judge;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Synthesis;

public class DataSynthesizerTests
{
    static readonly TaskDescription Task = new("capitals", "capital cities of countries");

    static List<ChatExample> Rows(string prefix, int n) =>
        Enumerable.Range(0, n).Select(i => ChatExample.FromPair($"{prefix}-{i}", $"{prefix} question {i} about country {i}?", $"{prefix} answer {i}")).ToList();

    /// <summary>A generator that answers every prompt with N fresh pairs (count read back from the prompt).</summary>
    static ScriptedChatClient Generator() => new((messages, options) =>
    {
        var request = SynthesisPrompt.TryParse(messages[^1].Text)!;
        var pairs = Enumerable.Range(0, request.Count).Select(k => new { instruction = $"What is the capital of land {options!.Seed}-{k}?", response = $" city{k}" });
        return "Here you go:\n```json\n" + JsonSerializer.Serialize(pairs) + "\n```";
    });

    [Fact]
    public async Task Seeds_come_only_from_train_and_no_test_row_ever_reaches_a_prompt()
    {
        var train = Rows("train", 30);
        var test = Rows("test", 10);
        var client = Generator();
        // Target the failed test rows: weights are computed from test text but only train ids get weights.
        var weights = SeedSampler.FailureWeights(train, test.Select(t => (t.Prompt, 10.0)), threshold: 90, boost: 4);
        Assert.All(weights.Keys, id => Assert.StartsWith("train-", id));

        var result = await new DataSynthesizer(client, Task, new SynthesisOptions { RowsPerRequest = 5 }).GenerateAsync(train, round: 1, rowsWanted: 40, weights);
        Assert.Equal(40, result.Rows.Count);
        foreach (var (messages, _) in client.Calls)
        {
            string prompt = string.Join("\n", messages.Select(m => m.Text));
            Assert.DoesNotContain("test", prompt);
            Assert.Contains("train question", prompt);
        }
        Assert.All(result.Rows, r => Assert.All(r.Provenance.SeedIds, id => Assert.StartsWith("train-", id)));
    }

    [Fact]
    public async Task Every_row_carries_provenance_and_the_stage_label()
    {
        var client = Generator();
        var result = await new DataSynthesizer(client, Task, new SynthesisOptions { RowsPerRequest = 4, SeedCount = 2 }).GenerateAsync(Rows("train", 10), 2, 10);
        Assert.Equal(10, result.Rows.Count);
        Assert.Equal(3, result.Calls);
        Assert.Equal(10, result.Rows.Select(r => r.Example.Id).Distinct().Count());
        foreach (var row in result.Rows)
        {
            var p = row.Provenance;
            Assert.Equal(row.Example.Id, p.RowId);
            Assert.Equal(2, p.SeedIds.Count);
            Assert.Equal("scripted", p.GeneratorModel);
            Assert.Equal(2, p.Round);
            var call = client.Calls.Single(c => c.Options!.Seed == 7 + 2 * 100_000L + p.Batch);
            string text = string.Join("\n\n", call.Messages.Select(m => m.Text));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), p.PromptHash);
            Assert.StartsWith(" city", row.Example.Response);  // leading space kept
        }
        Assert.All(client.Calls, c => Assert.Equal("synth", c.Options!.AdditionalProperties!["llamaduo.stage"]));
    }

    [Fact]
    public async Task Same_seed_gives_identical_prompts_so_reruns_hit_the_cache()
    {
        var a = Generator();
        var b = Generator();
        await new DataSynthesizer(a, Task).GenerateAsync(Rows("train", 20), 0, 16);
        await new DataSynthesizer(b, Task).GenerateAsync(Rows("train", 20), 0, 16);
        Assert.Equal(a.Calls.Select(c => c.Messages[^1].Text).Order(), b.Calls.Select(c => c.Messages[^1].Text).Order());
    }

    [Fact]
    public async Task Replies_without_pairs_are_diagnostics_and_the_call_allowance_bounds_the_stage()
    {
        var client = new ScriptedChatClient((_, _) => "Sorry, I can't help with that.");
        var result = await new DataSynthesizer(client, Task, new SynthesisOptions { RowsPerRequest = 5, ExtraCallFraction = 0.5 }).GenerateAsync(Rows("train", 5), 0, 20);
        Assert.Empty(result.Rows);
        Assert.Equal(6, result.Calls);  // 4 needed + 2 extra
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("no usable pairs"));
    }

    [Fact]
    public async Task Failed_calls_are_diagnostics()
    {
        var client = new ScriptedChatClient((_, _) => throw new TimeoutException("service timed out"));
        var result = await new DataSynthesizer(client, Task).GenerateAsync(Rows("train", 5), 0, 8);
        Assert.Empty(result.Rows);
        Assert.All(result.Diagnostics, d => Assert.Contains("TimeoutException", d.Message));
    }

    [Fact]
    public void Parser_validates_pairs()
    {
        var options = new SynthesisOptions { MaxInstructionChars = 50 };
        string reply = """
            Sure! {"pairs": [
              {"instruction": "Capital of France?", "response": " Paris"},
              {"Prompt": "Capital of Peru?", "Output": "Lima"},
              {"instruction": "capital of france", "response": "Paris again"},
              {"instruction": "", "response": "x"},
              {"instruction": "Capital of Chad?", "response": "   "},
              {"instruction": "Seed copy?", "response": "y"},
              {"instruction": "%LONG%", "response": "z"},
              "just a string",
            ]}
            """.Replace("%LONG%", new string('a', 60));
        var (pairs, problems) = SyntheticPairParser.Parse(reply, options, ["seed copy"]);
        Assert.Equal([("Capital of France?", " Paris"), ("Capital of Peru?", "Lima")], pairs);
        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, p => p.Contains("repeats"));
        Assert.Contains(problems, p => p.Contains("copies a seed"));
        Assert.Contains(problems, p => p.Contains("longer than 50"));
        Assert.Contains(problems, p => p.Contains("empty response"));
    }

    [Fact]
    public void Failure_weights_favour_train_rows_like_failed_test_rows()
    {
        var train = new List<ChatExample>
        {
            ChatExample.FromPair("a", "Summarise this news article about football", "x"),
            ChatExample.FromPair("b", "Write a poem about the sea", "y"),
        };
        var w = SeedSampler.FailureWeights(train, [("Summarise this article about football scores", 20), ("Write a poem about the sea", 95)], 90, 4);
        Assert.True(w["a"] > 1.5);
        Assert.True(w["b"] < 1.5, $"{w["b"]}");  // its look-alike passed; only the word "about" links it to the failure
        var picks = Enumerable.Range(0, 400).Select(i => SeedSampler.Sample(train, 1, new Random(i), w)[0].Id).Count(id => id == "a");
        Assert.InRange(picks, 240, 360);
    }
}
