using System.Text.Json;
using LlamaDuo.Cli.Tests.Loop;

namespace LlamaDuo.Cli.Tests.Judge;

/// <summary>`llamaduo judge parse` as a black box, on real MT-Bench judgements and on hostile replies.</summary>
public class JudgeParseTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    static string MtBenchFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "mt_bench", "model_judgment", name);
            if (File.Exists(candidate)) return candidate;
        }
        var fallback = Path.Combine("/work/shared/data/mt_bench/model_judgment", name);
        Assert.True(File.Exists(fallback), $"shared data not found: {name} (the real-data tests need shared/ beside the repository)");
        return fallback;
    }

    static List<JsonElement> Results(string output) =>
        output.Split('\n').Where(l => l.StartsWith("{\"line\"")).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public async Task Real_gpt4_judgements_parse_to_their_recorded_scores_and_errors_are_diagnosed()
    {
        using var temp = new RepoPaths.Temp();
        var file = MtBenchFile("gpt-4_single__llama3-8b_dreaming-panda.jsonl");
        var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, "judge", "parse", "--format", "mt-bench", "--field", "judgment", file);
        Assert.Equal(0, code);
        var recorded = File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("score").GetDouble()).ToList();
        var results = Results(output);
        Assert.Equal(recorded.Count, results.Count);
        for (int i = 0; i < results.Count; i++)
        {
            Assert.Equal(i + 1, results[i].GetProperty("line").GetInt32());
            double parsed = results[i].TryGetProperty("scores", out var s) ? s.GetProperty("rating").GetDouble() : -1;
            Assert.Equal(recorded[i], parsed);
        }
        Assert.Contains("parsed=326 diagnosed=4", output);
    }

    [Fact]
    public async Task Hostile_replies_come_back_as_diagnostics_never_as_numbers()
    {
        using var temp = new RepoPaths.Temp();
        string[] hostile =
        [
            "{\"similarity\": null, \"precision\": 90}",
            "{\"similarity\": \"high\", \"precision\": 90}",
            "{\"similarity\": \"-5\", \"precision\": 90}",
            "Similarity (1-100): 85\nPrecision (1-100): 80",
            "Similarity (out of 100): 85, precision (out of 100): 80",
            "The candidate covers 3 of 4 points, so 75.",
            "{\"similarity\": 70, \"precision\": 80} then, revised: {\"similarity\": 60, \"precision\": 80}",
        ];
        var lines = hostile.Select(r => JsonSerializer.Serialize(new { reply = r }))
            .Append(JsonSerializer.Serialize(new { reply = "{\"similarity_reason\": \"same\", \"similarity\": \"85/100\", \"precision\": 90.5}" }));
        var path = Path.Combine(temp.Path, "replies.jsonl");
        File.WriteAllLines(path, lines);

        var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, "judge", "parse", "--format", "llamaduo", path);
        Assert.Equal(0, code);
        var results = Results(output);
        Assert.All(results.Take(hostile.Length), r => Assert.True(r.TryGetProperty("diagnostic", out _), r.ToString()));
        var good = results[^1].GetProperty("scores");
        Assert.Equal(85, good.GetProperty("similarity").GetDouble());
        Assert.Equal(90.5, good.GetProperty("precision").GetDouble());
        Assert.Contains($"parsed=1 diagnosed={hostile.Length}", output);
    }

    [Fact]
    public async Task Mt_bench_judgements_cut_off_in_code_have_no_rating()
    {
        using var temp = new RepoPaths.Temp();
        var path = Path.Combine(temp.Path, "cut.jsonl");
        File.WriteAllLines(path, new[]
        {
            "The fix is close.\n```c\nchar input[100];\nfgets(input, 100, stdin);",
            "It pops heap[0] and then",
            "Good answer. Rating: [[8.5]]",
        }.Select(j => JsonSerializer.Serialize(new { judgment = j })));
        var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, "judge", "parse", "--format", "mt-bench", "--field", "judgment", path);
        Assert.Equal(0, code);
        var results = Results(output);
        Assert.True(results[0].TryGetProperty("diagnostic", out _));
        Assert.True(results[1].TryGetProperty("diagnostic", out _));
        Assert.Equal(8.5, results[2].GetProperty("scores").GetProperty("rating").GetDouble());
        Assert.Contains("parsed=1 diagnosed=2", output);
    }

    [Fact]
    public async Task A_file_that_is_not_jsonl_or_lacks_the_field_is_exit_2_with_file_line_and_field_and_nothing_printed()
    {
        using var temp = new RepoPaths.Temp();
        var notJson = Path.Combine(temp.Path, "log.jsonl");
        File.WriteAllLines(notJson, ["{\"reply\": \"{\\\"similarity\\\": 80, \\\"precision\\\": 80}\"}", "similarity 80"]);
        var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, "judge", "parse", "--format", "llamaduo", notJson);
        Assert.Equal(2, code);
        Assert.Contains($"{notJson}:2", output);
        Assert.DoesNotContain("{\"line\"", output);

        var noField = Path.Combine(temp.Path, "other.jsonl");
        File.WriteAllLines(noField, ["{\"reply\": \"x\"}", "{\"text\": \"x\"}"]);
        (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, "judge", "parse", "--format", "llamaduo", noField);
        Assert.Equal(2, code);
        Assert.Contains($"{noField}:2", output);
        Assert.Contains("field 'reply'", output);
        Assert.DoesNotContain("{\"line\"", output);
    }

    [Fact]
    public async Task Judge_without_a_subcommand_is_still_the_single_step_stage()
    {
        using var temp = new RepoPaths.Temp();
        var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, "judge");
        Assert.Equal(2, code);
        Assert.Contains("pass the run folder: llamaduo judge --run DIR", output);
        (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, "judge", "--run", Path.Combine(temp.Path, "no-such-run"));
        Assert.Equal(2, code);
        Assert.Contains("config.yaml", output);
    }
}
