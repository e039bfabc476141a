using System.Text.Json;
using LlamaDuo.Cli.Tests.Loop;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Tasks;

namespace LlamaDuo.Cli.Tests.Judge;

/// <summary>`llamaduo judge calibrate` offline, against the demo service (a rule-based stand-in for the service LLM).</summary>
public class JudgeCalibrateTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The quickstart config pointed at a running demo service, written beside the labels.</summary>
    static string Config(string dir, string baseUrl)
    {
        var text = File.ReadAllText(RepoPaths.Quickstart("config.yaml"))
            .Replace("path: coverage.jsonl", $"path: {RepoPaths.Quickstart("coverage.jsonl")}")
            .Replace("  provider: demo\n", $"  provider: demo\n  base_url: {baseUrl}\n");
        var path = Path.Combine(dir, "config.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Story rows with right and wrong candidates and human labels that agree with the answers.</summary>
    static string Labels(string dir)
    {
        var rows = StoryTask.Generate(24, 5, SlotCoverage.Full);
        var lines = rows.Select((r, i) =>
        {
            bool right = i % 3 != 0;
            string wrong = " " + rows[(i + 1) % rows.Count].Answer;
            if (!right && wrong.Trim() == r.Answer) wrong = " xylophone";
            object human = i % 4 == 3 ? (right ? "pass" : "fail") : right ? 92 + i % 8 : 5 + i % 20;
            return JsonSerializer.Serialize(new { id = $"s{i}", prompt = r.Prompt, reference = r.Response, candidate = right ? r.Response : wrong, human });
        });
        var path = Path.Combine(dir, "labels.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Calibrates_the_configured_judge_against_human_labels_and_runs_both_probes()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var outDir = Path.Combine(temp.Path, "cal");
        var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, "judge", "calibrate", Config(temp.Path, demo.BaseUrl),
            "--labels", Labels(temp.Path), "--out", outDir);
        Assert.True(code == 0, output);
        Assert.Contains("spearman", output);
        Assert.Contains("Cohen's kappa", output);
        Assert.Contains("probe verbosity", output);
        Assert.Contains("probe off-target", output);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "calibration.json")));
        var r = doc.RootElement;
        Assert.Equal(24, r.GetProperty("labelled_rows").GetInt32());
        Assert.Equal(24, r.GetProperty("scored_rows").GetInt32());
        // The demo judge scores right answers 94-100 and wrong ones 5-30, as the humans did: it agrees with them.
        Assert.Equal(1.0, r.GetProperty("pass_agreement").GetDouble(), 9);
        Assert.Equal(1.0, r.GetProperty("cohen_kappa").GetDouble(), 9);
        Assert.True(r.GetProperty("agreement")[2].GetProperty("spearman").GetDouble() > 0.5);  // within a class the demo jitters by hash, not by quality
        var probes = r.GetProperty("probes").EnumerateArray().ToDictionary(p => p.GetProperty("probe").GetString()!);
        Assert.Equal(24, probes["verbosity"].GetProperty("rows").GetInt32());
        Assert.Equal(24, probes["off-target"].GetProperty("rows").GetInt32());
        Assert.Equal(0, probes["off-target"].GetProperty("passed").GetInt32());
        Assert.False(probes["off-target"].GetProperty("flagged").GetBoolean());
        Assert.Contains("Judge calibration", File.ReadAllText(Path.Combine(outDir, "calibration.html")));
        Assert.True(File.Exists(Path.Combine(outDir, "ledger.jsonl")));
    }

    [Theory]
    [InlineData("{\"prompt\": \"q\", \"reference\": \"r\", \"candidate\": \"c\"}", "field 'human'")]
    [InlineData("{\"prompt\": \"q\", \"reference\": \"r\", \"candidate\": \"c\", \"human\": 150}", "value '150'")]
    [InlineData("{\"prompt\": \"q\", \"reference\": \"r\", \"candidate\": \"c\", \"human\": \"good\"}", "field 'human'")]
    [InlineData("{\"prompt\": \"q\", \"candidate\": \"c\", \"human\": 50}", "field 'reference'")]
    [InlineData("not json", "not a JSON line")]
    [InlineData("{\"id\": \"line-1\", \"prompt\": \"q\", \"reference\": \"r\", \"candidate\": \"c\", \"human\": 50}", "field 'id'")]
    public async Task A_bad_labels_file_is_exit_2_with_file_line_field_and_value(string badLine, string expected)
    {
        using var temp = new RepoPaths.Temp();
        var labels = Path.Combine(temp.Path, "labels.jsonl");
        File.WriteAllLines(labels, ["{\"prompt\": \"q\", \"reference\": \"r\", \"candidate\": \"c\", \"human\": 50}", badLine]);
        // No service is running: bad labels must stop the command before any call.
        var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, "judge", "calibrate", Config(temp.Path, "http://127.0.0.1:9"),
            "--labels", labels, "--out", Path.Combine(temp.Path, "cal"));
        Assert.Equal(2, code);
        Assert.Contains($"{labels}:2", output);
        Assert.Contains(expected, output);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "cal")));
    }
}
