using System.Text.Json;

namespace LlamaDuo.Pipeline.Store;

public sealed partial class RunStore
{
    /// <summary>
    /// Marks a stage as started, unless it is already done: returns false then, and the caller skips the stage (this is
    /// how resume avoids repeating work). A stage that was running when the process died, or that failed, starts again.
    /// </summary>
    public bool TryStartStage(int round, string stage)
    {
        if (GetStage(round, stage)?.Status == StageStatus.Done) return false;
        Execute("""
            INSERT INTO stages(run_id, round, name, status, started, attempts) VALUES(@run, @r, @n, 'running', @now, 1)
            ON CONFLICT(run_id, round, name) DO UPDATE SET status = 'running', started = excluded.started, ended = NULL, error = NULL,
              attempts = stages.attempts + 1
            """, ("@r", round), ("@n", stage), ("@now", Now()));
        return true;
    }

    /// <summary>Marks a stage done with its outputs (paths relative to the run folder). Repeating it keeps the first completion.</summary>
    public void CompleteStage(int round, string stage, IReadOnlyList<string>? outputs = null)
    {
        var json = JsonSerializer.Serialize(outputs ?? []);
        Execute("""
            INSERT INTO stages(run_id, round, name, status, started, ended, outputs, attempts) VALUES(@run, @r, @n, 'done', @now, @now, @o, 1)
            ON CONFLICT(run_id, round, name) DO UPDATE SET status = 'done', ended = excluded.ended, outputs = excluded.outputs, error = NULL
              WHERE stages.status <> 'done'
            """, ("@r", round), ("@n", stage), ("@now", Now()), ("@o", json));
    }

    /// <summary>Marks a stage failed with the error message; a later resume starts it again.</summary>
    public void FailStage(int round, string stage, string error) => Execute("""
        INSERT INTO stages(run_id, round, name, status, started, ended, error, attempts) VALUES(@run, @r, @n, 'failed', @now, @now, @e, 1)
        ON CONFLICT(run_id, round, name) DO UPDATE SET status = 'failed', ended = excluded.ended, error = excluded.error
        """, ("@r", round), ("@n", stage), ("@now", Now()), ("@e", error));

    /// <summary>
    /// True once any stage has finished. A run without one stopped while it was being set up (bad data, an unset key
    /// variable...): it has nothing to keep, so the same command may start it again, with a corrected config too.
    /// </summary>
    public bool HasProgress()
    {
        using var cmd = Command("SELECT COUNT(*) FROM stages WHERE run_id = @run AND status = 'done'");
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Sets the files a stage left (replacing any recorded before for it), for <see cref="Artifacts"/> to check on resume.</summary>
    public void RecordArtifacts(int round, string stage, IEnumerable<Artifact> files)
    {
        using var tx = Begin();
        Execute("DELETE FROM artifacts WHERE run_id = @run AND round = @r AND stage = @n", ("@r", round), ("@n", stage));
        foreach (var a in files)
            Execute("INSERT INTO artifacts(run_id, round, stage, path, bytes, sha256) VALUES(@run, @r, @n, @p, @b, @h)",
                ("@r", round), ("@n", stage), ("@p", a.Path), ("@b", a.Bytes), ("@h", a.Sha256));
        tx.Commit();
    }

    /// <summary>The files a stage left, as recorded when it finished (none for stages finished before checksums were kept).</summary>
    public IReadOnlyList<Artifact> Artifacts(int round, string stage)
    {
        using var cmd = Command("SELECT path, bytes, sha256 FROM artifacts WHERE run_id = @run AND round = @r AND stage = @n ORDER BY path", ("@r", round), ("@n", stage));
        using var r = cmd.ExecuteReader();
        var list = new List<Artifact>();
        while (r.Read()) list.Add(new Artifact(r.GetString(0), r.GetInt64(1), r.GetString(2)));
        return list;
    }

    public bool IsStageDone(int round, string stage) => GetStage(round, stage)?.Status == StageStatus.Done;

    public StageRecord? GetStage(int round, string stage) => QueryStages("AND round = @r AND name = @n", ("@r", round), ("@n", stage)).FirstOrDefault();

    /// <summary>Every stage record, by round then start time.</summary>
    public IReadOnlyList<StageRecord> Stages() => QueryStages("ORDER BY round, started");

    List<StageRecord> QueryStages(string where, params (string, object?)[] args)
    {
        using var cmd = Command($"SELECT round, name, status, started, ended, outputs, error, attempts FROM stages WHERE run_id = @run {where}", args);
        using var r = cmd.ExecuteReader();
        var list = new List<StageRecord>();
        while (r.Read())
            list.Add(new StageRecord(r.GetInt32(0), r.GetString(1), Enum.Parse<StageStatus>(r.GetString(2), ignoreCase: true),
                r.IsDBNull(3) ? null : Time(r.GetString(3)), r.IsDBNull(4) ? null : Time(r.GetString(4)),
                JsonSerializer.Deserialize<string[]>(r.GetString(5)) ?? [], r.IsDBNull(6) ? null : r.GetString(6), r.GetInt32(7)));
        return list;
    }
}
