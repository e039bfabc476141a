using System.Text.Json;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>Ingest reports rows longer than training.max_len: how many, the longest (file and line), what training does with them.</summary>
public class OverlongRowTests
{
    [Fact]
    public async Task Rows_longer_than_max_len_are_counted_and_the_longest_named_at_ingest()
    {
        using var temp = new RepoPaths.Temp();
        var data = Path.Combine(temp.Path, "coverage.jsonl");
        var story = string.Join(' ', Enumerable.Repeat("Tom and Lily went to the park to play with their red ball.", 400)); // ~5,000 tokens
        var huge = new string('a', 5_000_000); // the 5 MB row: measured on a prefix, reported at once
        File.WriteAllText(data, File.ReadAllText(RepoPaths.Quickstart("coverage.jsonl"))
            + JsonSerializer.Serialize(new { prompt = story, response = "yes" }) + "\n"
            + JsonSerializer.Serialize(new { prompt = huge, response = "no" }) + "\n");
        var fast = QuickstartConfig.Fast("http://127.0.0.1:9/v1");
        var config = Path.Combine(temp.Path, "config.yaml");
        File.WriteAllText(config, (fast with { Data = fast.Data with { Path = data } }).ToYaml());

        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(2), "run", config, "--run-dir", "run", "--init");
        Assert.True(code == 0, output);
        Assert.Contains("2 row(s) longer than student.training.max_len 256 tokens", output);
        Assert.Matches(@"coverage\.jsonl:122 \(5,000,\d{3} characters, more than [\d,]+ tokens\)", output);
        Assert.Contains("Training cuts them to 256 tokens", output);
    }
}
