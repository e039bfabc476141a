namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>A run folder that cannot be one is bad input (exit 2) naming the option, not a raw exception (exit 1).</summary>
public class RunDirTests
{
    [Fact]
    public async Task A_file_or_a_missing_resume_folder_as_run_dir_is_an_input_error_naming_the_option()
    {
        using var temp = new RepoPaths.Temp();
        var file = Path.Combine(temp.Path, "taken");
        File.WriteAllText(file, "not a folder");
        var config = Path.Combine(temp.Path, "config.yaml");
        File.WriteAllText(config, QuickstartConfig.Fast("http://127.0.0.1:9/v1").ToYaml());

        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "run", config, "--run-dir", file);
        Assert.True(code == 2, output);
        Assert.Contains("field '--run-dir'", output);
        Assert.Contains("is a file", output);

        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "run", config, "--run-dir", Path.Combine(file, "run"));
        Assert.True(code == 2, output);
        Assert.Contains("field '--run-dir'", output);

        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "quickstart", "--dir", file);
        Assert.True(code == 2, output);
        Assert.Contains("field '--dir'", output);

        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "run", "--run-dir", "no-such-run", "--resume");
        Assert.True(code == 2, output);
        Assert.Contains("no such run folder", output);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "no-such-run")));
    }
}
