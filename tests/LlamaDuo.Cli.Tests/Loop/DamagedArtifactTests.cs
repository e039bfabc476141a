using System.Security.Cryptography;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// --resume checks the files finished stages left against the sizes and SHA-256 run.db recorded: an exported GGUF
/// cut in half, or deleted, makes the export stage run again (same file back, parity checked again) and the run
/// exits as it did; an intact folder skips everything.
/// </summary>
public class DamagedArtifactTests
{
    [Fact]
    public async Task A_truncated_or_deleted_export_is_made_again_on_resume()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var fast = QuickstartConfig.Fast(demo.BaseUrl);
        var config = fast with
        {
            Loop = fast.Loop with { MaxRounds = 1 },
            Export = fast.Export with { Formats = ["gguf"], ParityTolerance = 100 },
        };
        var run = Path.Combine(temp.Path, "run");
        var first = await MigrationLoop.RunAsync(config, run, new StringWriter());
        var gguf = Path.Combine(run, "export", "model.gguf");
        var original = Hash(gguf);
        int exitCode = first.Passed ? 0 : 3;

        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(4), "run", "--run-dir", run, "--resume");
        Assert.True(code == exitCode, output);
        Assert.Contains("[round 00 export] done earlier; skipped", output);

        using (var f = new FileStream(gguf, FileMode.Open)) f.SetLength(f.Length / 2);
        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(4), "run", "--run-dir", run, "--resume");
        Assert.True(code == exitCode, output);
        Assert.Contains("export/model.gguf is damaged", output);
        Assert.Equal(original, Hash(gguf));

        File.Delete(gguf);
        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(4), "run", "--run-dir", run, "--resume");
        Assert.True(code == exitCode, output);
        Assert.Contains("export/model.gguf is missing", output);
        Assert.Equal(original, Hash(gguf));
        using var store = RunStore.Open(run);
        Assert.Equal(3, store.GetStage(0, "export")!.Attempts);
    }

    static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
