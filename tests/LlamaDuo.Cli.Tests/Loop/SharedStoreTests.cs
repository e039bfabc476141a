using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Tests.Shared;
using Npgsql;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>The whole loop with its run store and response cache in a real PostgreSQL server (store.connection).</summary>
public class SharedStoreTests
{
    [Fact]
    public async Task A_loop_on_the_shared_store_passes_and_the_cli_lists_and_resumes_it_from_the_database()
    {
        using var temp = new RepoPaths.Temp();
        var connection = PostgresServer.Shared.CreateDatabase("loop");
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var config = QuickstartConfig.Fast(demo.BaseUrl);
        config = config with { Export = config.Export with { Formats = [] }, Store = new() { Connection = connection } };
        var run = Path.Combine(temp.Path, "runs", "shared");

        var outcome = await MigrationLoop.RunAsync(config, run, new StringWriter());
        Assert.True(outcome.Passed, outcome.StopReason);

        // The tables are in PostgreSQL: the folder holds artifacts and store.json, no run.db and no cache.db.
        Assert.False(File.Exists(Path.Combine(run, "run.db")));
        Assert.False(File.Exists(Path.Combine(run, "cache.db")));
        Assert.True(File.Exists(Path.Combine(run, "store.json")));
        using (var db = new NpgsqlConnection(connection))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT (SELECT COUNT(*) FROM responses), (SELECT COUNT(*) FROM judgements), (SELECT status FROM runs)";
            using var r = cmd.ExecuteReader();
            r.Read();
            Assert.True(r.GetInt64(0) > 0, "the judge's responses are in the shared cache");
            Assert.True(r.GetInt64(1) > 0);
            Assert.Equal(RunStatus.Passed, r.GetString(2));
        }

        var (code, runs) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "runs", "--store", connection);
        Assert.True(code == 0, runs);
        Assert.Contains("passed", runs);
        Assert.Contains(run, runs.Replace("\n", "").Replace(" ", ""));
        var (statusCode, status) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "status", run);
        Assert.True(statusCode == 0, status);
        Assert.Contains("passed", status);

        // Resuming the finished run reads every stage as done from the database and repeats nothing.
        var log = new StringWriter();
        var again = await MigrationLoop.RunAsync(config, run, log);
        Assert.True(again.Passed);
        Assert.DoesNotContain("final loss", log.ToString());
        Assert.Contains("done earlier; skipped", log.ToString());
    }
}
