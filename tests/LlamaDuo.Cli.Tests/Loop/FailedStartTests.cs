using LlamaDuo.Pipeline.Config;
using LlamaDuo.Service.Providers;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// A run whose first attempt stopped before any stage finished (a data error, an unset key variable) leaves a folder
/// with nothing in it worth keeping: after the fix, in the data or in the config, the same command starts it.
/// </summary>
public class FailedStartTests
{
    [Fact]
    public async Task After_a_data_error_the_same_command_runs_once_the_data_is_fixed()
    {
        using var temp = new RepoPaths.Temp();
        var data = Path.Combine(temp.Path, "coverage.jsonl");
        var good = File.ReadAllText(RepoPaths.Quickstart("coverage.jsonl"));
        File.WriteAllText(data, good + "{\"prompt\": \"cut off\n");
        var fast = QuickstartConfig.Fast("http://127.0.0.1:9/v1");
        var config = Write(temp.Path, "config.yaml", fast with { Data = fast.Data with { Path = data } });
        string[] command = ["run", config, "--run-dir", "run", "--init"];

        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(2), command);
        Assert.True(code == 2, output);
        Assert.Contains("coverage.jsonl:121", output);

        File.WriteAllText(data, good);
        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(2), command);
        Assert.True(code == 0, output);
        Assert.Contains("run folder ready", output);
    }

    [Fact]
    public async Task After_an_unset_key_variable_the_same_command_runs_with_the_corrected_config()
    {
        using var temp = new RepoPaths.Temp();
        var fast = QuickstartConfig.Fast("http://127.0.0.1:9/v1");
        var bad = fast with { Service = fast.Service with { Provider = ServiceProvider.OpenAICompatible, ApiKeyEnv = "LLAMADUO_TEST_NEVER_SET_7F3A" } };
        var config = Write(temp.Path, "config.yaml", bad);
        string[] command = ["run", config, "--run-dir", "run", "--init"];

        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(2), command);
        Assert.True(code == 2, output);
        Assert.Contains("LLAMADUO_TEST_NEVER_SET_7F3A", output);
        Assert.True(Directory.Exists(Path.Combine(temp.Path, "run")));

        Write(temp.Path, "config.yaml", fast); // the fix: back to the (keyless) demo provider
        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(2), command);
        Assert.True(code == 0, output);
        Assert.Equal(ServiceProvider.Demo, LlamaDuoConfig.Load(Path.Combine(temp.Path, "run", "config.yaml")).Service.Provider);
    }

    static string Write(string dir, string name, LlamaDuoConfig config)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, config.ToYaml());
        return path;
    }
}
