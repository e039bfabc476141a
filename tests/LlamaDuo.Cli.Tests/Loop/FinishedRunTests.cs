using System.Security.Cryptography;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using Microsoft.Data.Sqlite;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// A finished run stays finished: resuming it after a budget has run out since (here the wall-time budget, as a
/// user who resumes 30 minutes later) reports the stored verdicts, keeps its export and exits as it did.
/// </summary>
public class FinishedRunTests
{
    /// <summary>Two rounds that never pass (the rule is out of reach), a 15-minute wall budget, a PEFT export.</summary>
    internal static LlamaDuoConfig TwoRounds(string baseUrl)
    {
        var c = QuickstartConfig.Fast(baseUrl);
        return c with
        {
            Judge = c.Judge with { Pass = c.Judge.Pass with { MinSimilarity = 100, MinPrecision = 100 } },
            Synthesis = c.Synthesis with { RowsPerRound = 48, WeightedByFailures = false },
            Loop = c.Loop with { MaxRounds = 2, Budgets = c.Loop.Budgets with { WallMinutes = 15 } },
            Export = c.Export with { Formats = ["peft"] },
        };
    }

    [Fact]
    public async Task Resuming_a_finished_run_after_its_wall_budget_keeps_verdicts_export_and_exit_code()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var run = Path.Combine(temp.Path, "run");
        var first = await MigrationLoop.RunAsync(TwoRounds(demo.BaseUrl), run, new StringWriter());
        Assert.Equal(["below threshold: synthesize", "budget: max_rounds 2 reached"], first.Rounds.Select(r => r.Verdict));
        var adapter = Path.Combine(run, "export", "adapter", "adapter_model.safetensors");
        var exported = Hash(adapter);

        // 30 minutes later: the 15-minute wall budget is spent, which must not reach back into decided rounds.
        Backdate(Path.Combine(run, "run.db"), TimeSpan.FromMinutes(30));
        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(4), "run", "--run-dir", run, "--resume");

        Assert.True(code == 3, output); // as the first run ended: not passed
        Assert.DoesNotContain("wall time", output);
        Assert.Contains("decided earlier: below threshold: synthesize", output);
        Assert.Contains(first.SummaryLine, output);
        using var store = RunStore.Open(run);
        Assert.Equal(first.Rounds.Select(r => r.Verdict), store.Rounds().Select(r => r.Verdict));
        var exports = store.Stages().Where(s => s.Name == "export").ToList();
        Assert.Equal(1, Assert.Single(exports).Round);
        Assert.Equal(exported, Hash(adapter));
    }

    static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Moves the run's creation time back, as if it had started <paramref name="ago"/> earlier.</summary>
    internal static void Backdate(string dbPath, TimeSpan ago)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString());
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "UPDATE runs SET created = @t";
        cmd.Parameters.AddWithValue("@t", DateTimeOffset.UtcNow.Subtract(ago).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, cmd.ExecuteNonQuery());
    }
}
