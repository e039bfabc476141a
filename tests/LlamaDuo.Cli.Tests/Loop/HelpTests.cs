namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>Every command's --help renders (Spectre markup in option descriptions must be escaped).</summary>
public class HelpTests
{
    [Fact]
    public async Task Every_command_prints_its_help()
    {
        using var temp = new RepoPaths.Temp();
        string[] commands = ["quickstart", "run", "train", "infer", "judge", "judge parse", "judge calibrate", "synth", "generate", "models fetch", "export", "serve",
            "runs", "status", "demo-service", "bench generate", "bench train", "bench judge", "bench dedup", "bench serve", "version"];
        var failures = new List<string>();
        foreach (var command in commands)
        {
            var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), [.. command.Split(' '), "--help"]);
            if (code != 0) failures.Add($"{command}: exit {code}: {output.Trim().Split('\n').Last()}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
