using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Runs;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;
using LlamaDuo.Tests.Shared;

namespace LlamaDuo.Pipeline.Tests.Store;

/// <summary>The run store in a real PostgreSQL server (a private one this test process starts; see PostgresServer).</summary>
public sealed class PostgresRunStoreTests : RunStoreContract
{
    readonly StoreLocation _db = StoreLocation.Postgres(PostgresServer.Shared.CreateDatabase("runstore"));

    protected override RunStore NewStore(TempDir dir, string id = "20261128-100000-t") =>
        RunStore.Create(new RunFolder(Path.Combine(dir.Path, id)), "t", _db);

    [Fact]
    public void Runs_sharing_one_database_see_only_their_own_rows_and_are_listed_together()
    {
        using var dir = new TempDir();
        using var a = RunStore.Create(new RunFolder(Path.Combine(dir.Path, "alice")), "summarize", _db);
        using var b = RunStore.Create(new RunFolder(Path.Combine(dir.Path, "bob")), "classify", _db);
        a.TryStartStage(0, "train");
        a.RecordRound(new RoundMetrics(0, 10, 5, 0, 0, ScoreSummary.From([91, 95], 90), ScoreSummary.From([92, 94], 90), true, "pass"));
        a.RecordCall(new CallRecord("c1", 0, "judge", "openai", "gpt-4o", 100, 10, 0.5, 5, "ok", false, DateTimeOffset.UtcNow));
        b.RecordCall(new CallRecord("c1", 0, "judge", "openai", "gpt-4o", 300, 30, 1.5, 5, "ok", false, DateTimeOffset.UtcNow));
        a.SetStatus(RunStatus.Passed);

        Assert.Empty(b.Stages());
        Assert.Empty(b.Rounds());
        Assert.Equal((110L, 0.5), a.TotalSpend());
        Assert.Equal((330L, 1.5), b.TotalSpend());
        Assert.Equal(RunStatus.Created, b.Run.Status);

        var runs = RunIndex.Scan(_db);
        Assert.Equal(2, runs.Count);
        var alice = Assert.Single(runs, r => r.Task == "summarize");
        Assert.Equal((RunStatus.Passed, 1, 93.0, Path.Combine(dir.Path, "alice")), (alice.Status, alice.Rounds, alice.BestSimilarity!.Value, alice.Dir));
        // The folder index finds PostgreSQL runs through their store.json too.
        Assert.Equal(2, RunIndex.Scan(dir.Path).Count(r => r.Status != "unreadable"));
    }

    [Fact]
    public void The_folder_points_at_its_run_without_a_password_and_resume_reopens_it()
    {
        using var dir = new TempDir();
        var folder = new RunFolder(Path.Combine(dir.Path, "r"));
        string id;
        using (var store = RunStore.Create(folder, "t", _db))
        {
            id = store.Run.Id;
            store.CompleteStage(0, "ingest");
        }
        var pointer = File.ReadAllText(Path.Combine(folder.Root, "store.json"));
        Assert.Contains("\"store\": \"postgresql\"", pointer);
        Assert.Contains(id, pointer);
        Assert.DoesNotContain("Password", pointer, StringComparison.OrdinalIgnoreCase);

        using var resumed = RunStore.Create(folder, "t", _db); // what --resume does
        Assert.Equal(id, resumed.Run.Id);
        Assert.True(resumed.IsStageDone(0, "ingest"));
        Assert.False(File.Exists(folder.DbPath));

        var e = Assert.Throws<InputException>(() => RunStore.Create(folder, "t"));
        Assert.Contains("PostgreSQL", e.Message);
    }

    [Fact]
    public void A_password_in_the_connection_string_is_refused_and_not_echoed()
    {
        var e = Assert.Throws<InputException>(() => StoreLocation.Postgres("Host=db.internal;Database=llamaduo;Username=me;Password=hunter2"));
        Assert.Equal("store.connection", e.Field);
        Assert.Contains("PGPASSWORD", e.Message);
        Assert.DoesNotContain("hunter2", e.ToString());
        Assert.Throws<InputException>(() => StoreLocation.Postgres("this is = not; a = connection string=="));
    }

    [Fact]
    public void An_unreachable_server_is_an_input_error_naming_the_store()
    {
        using var dir = new TempDir();
        var nowhere = StoreLocation.Postgres("Host=127.0.0.1;Port=1;Database=x;Username=me;Timeout=2");
        var e = Assert.Throws<InputException>(() => RunStore.Create(new RunFolder(Path.Combine(dir.Path, "r")), "t", nowhere));
        Assert.Equal("store.connection", e.Field);
        Assert.Contains("cannot reach the PostgreSQL run store", e.Message);
    }

    [Fact]
    public void Many_processes_creating_runs_in_a_fresh_database_at_once_do_not_collide()
    {
        using var dir = new TempDir();
        var fresh = StoreLocation.Postgres(PostgresServer.Shared.CreateDatabase("race"));
        Parallel.For(0, 6, i =>
        {
            using var s = RunStore.Create(new RunFolder(Path.Combine(dir.Path, $"r{i}")), "t", fresh);
            s.SetStatus(RunStatus.Running);
        });
        Assert.Equal(6, RunIndex.Scan(fresh).Count(r => r.Status == RunStatus.Running));
    }
}
