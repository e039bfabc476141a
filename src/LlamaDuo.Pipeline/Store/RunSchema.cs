namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// The run store's tables, for SQLite and PostgreSQL alike (only the floating-point type name differs). Every row
/// carries its run id, so one PostgreSQL database holds a team's runs; every write the loop makes is keyed so that
/// repeating it on resume changes nothing.
/// </summary>
internal static class RunSchema
{
    /// <summary>2: run ids in every table, insertion order kept in rows.seq, provider batches (artifacts came later, as a new table).</summary>
    public const int Version = 2;

    /// <summary>pg_advisory_xact_lock key that serialises table creation ("LDUO").</summary>
    public const long MigrationLockKey = 0x4C44554F;

    public static string Ddl(bool postgres) => Template.Replace("{real}", postgres ? "DOUBLE PRECISION" : "REAL");

    const string Template = """
        CREATE TABLE IF NOT EXISTS runs(
          id TEXT PRIMARY KEY, task TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
          status TEXT NOT NULL, message TEXT, schema_version INTEGER NOT NULL, folder TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS rounds(
          run_id TEXT NOT NULL, round INTEGER NOT NULL, train_rows INTEGER NOT NULL, test_rows INTEGER NOT NULL,
          synthetic_added INTEGER NOT NULL, synthetic_dropped INTEGER NOT NULL,
          sim_n INTEGER, sim_mean {real}, sim_median {real}, sim_std {real}, sim_ci_low {real}, sim_ci_high {real}, sim_coverage {real},
          prec_n INTEGER, prec_mean {real}, prec_median {real}, prec_std {real}, prec_ci_low {real}, prec_ci_high {real}, prec_coverage {real},
          passed INTEGER NOT NULL, verdict TEXT NOT NULL, recorded TEXT NOT NULL,
          PRIMARY KEY(run_id, round));
        CREATE TABLE IF NOT EXISTS stages(
          run_id TEXT NOT NULL, round INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, started TEXT, ended TEXT,
          outputs TEXT NOT NULL DEFAULT '[]', error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY(run_id, round, name));
        CREATE TABLE IF NOT EXISTS rows(
          run_id TEXT NOT NULL, id TEXT NOT NULL, split TEXT NOT NULL, origin TEXT NOT NULL, round_added INTEGER NOT NULL,
          source TEXT NOT NULL, provenance TEXT NOT NULL, seq BIGINT NOT NULL,
          PRIMARY KEY(run_id, id));
        CREATE TABLE IF NOT EXISTS judgements(
          run_id TEXT NOT NULL, round INTEGER NOT NULL, row_id TEXT NOT NULL, sample INTEGER NOT NULL, judge_round INTEGER NOT NULL,
          judge TEXT NOT NULL, similarity {real}, precision {real}, reason TEXT, error TEXT,
          PRIMARY KEY(run_id, round, row_id, sample, judge_round, judge));
        CREATE TABLE IF NOT EXISTS calls(
          run_id TEXT NOT NULL, id TEXT NOT NULL, round INTEGER NOT NULL, stage TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,
          input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, dollars {real} NOT NULL,
          latency_ms {real} NOT NULL, status TEXT NOT NULL, cached INTEGER NOT NULL, at TEXT NOT NULL, batch_id TEXT,
          PRIMARY KEY(run_id, id));
        CREATE TABLE IF NOT EXISTS costs(
          run_id TEXT NOT NULL, round INTEGER NOT NULL, stage TEXT NOT NULL, calls BIGINT NOT NULL, input_tokens BIGINT NOT NULL,
          output_tokens BIGINT NOT NULL, dollars {real} NOT NULL, PRIMARY KEY(run_id, round, stage));
        CREATE TABLE IF NOT EXISTS losses(
          run_id TEXT NOT NULL, round INTEGER NOT NULL, step INTEGER NOT NULL, loss {real} NOT NULL, learning_rate {real},
          PRIMARY KEY(run_id, round, step));
        CREATE TABLE IF NOT EXISTS batches(
          run_id TEXT NOT NULL, id TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, stage TEXT NOT NULL,
          status TEXT NOT NULL, custom_ids TEXT NOT NULL, created TEXT NOT NULL, ended TEXT, detail TEXT,
          PRIMARY KEY(run_id, id));
        CREATE TABLE IF NOT EXISTS artifacts(
          run_id TEXT NOT NULL, round INTEGER NOT NULL, stage TEXT NOT NULL, path TEXT NOT NULL, bytes BIGINT NOT NULL, sha256 TEXT NOT NULL,
          PRIMARY KEY(run_id, round, stage, path));
        CREATE TABLE IF NOT EXISTS synthesis_drops(
          run_id TEXT NOT NULL, round INTEGER NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL,
          PRIMARY KEY(run_id, round, reason));
        """;
}
