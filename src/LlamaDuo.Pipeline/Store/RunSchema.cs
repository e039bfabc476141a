namespace LlamaDuo.Pipeline.Store;

/// <summary>The run.db tables. Every write the loop makes is keyed so that repeating it on resume changes nothing.</summary>
internal static class RunSchema
{
    public const int Version = 1;

    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS runs(
          id TEXT PRIMARY KEY, task TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
          status TEXT NOT NULL, message TEXT, schema_version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS rounds(
          round INTEGER PRIMARY KEY, train_rows INTEGER NOT NULL, test_rows INTEGER NOT NULL,
          synthetic_added INTEGER NOT NULL, synthetic_dropped INTEGER NOT NULL,
          sim_n INTEGER, sim_mean REAL, sim_median REAL, sim_std REAL, sim_ci_low REAL, sim_ci_high REAL, sim_coverage REAL,
          prec_n INTEGER, prec_mean REAL, prec_median REAL, prec_std REAL, prec_ci_low REAL, prec_ci_high REAL, prec_coverage REAL,
          passed INTEGER NOT NULL, verdict TEXT NOT NULL, recorded TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS stages(
          round INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, started TEXT, ended TEXT,
          outputs TEXT NOT NULL DEFAULT '[]', error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY(round, name));
        CREATE TABLE IF NOT EXISTS rows(
          id TEXT PRIMARY KEY, split TEXT NOT NULL, origin TEXT NOT NULL, round_added INTEGER NOT NULL,
          source TEXT NOT NULL, provenance TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS judgements(
          round INTEGER NOT NULL, row_id TEXT NOT NULL, sample INTEGER NOT NULL, judge_round INTEGER NOT NULL, judge TEXT NOT NULL,
          similarity REAL, precision REAL, reason TEXT, error TEXT,
          PRIMARY KEY(round, row_id, sample, judge_round, judge));
        CREATE TABLE IF NOT EXISTS calls(
          id TEXT PRIMARY KEY, round INTEGER NOT NULL, stage TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,
          input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, dollars REAL NOT NULL,
          latency_ms REAL NOT NULL, status TEXT NOT NULL, cached INTEGER NOT NULL, at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS costs(
          round INTEGER NOT NULL, stage TEXT NOT NULL, calls INTEGER NOT NULL, input_tokens INTEGER NOT NULL,
          output_tokens INTEGER NOT NULL, dollars REAL NOT NULL, PRIMARY KEY(round, stage));
        CREATE TABLE IF NOT EXISTS losses(
          round INTEGER NOT NULL, step INTEGER NOT NULL, loss REAL NOT NULL, learning_rate REAL,
          PRIMARY KEY(round, step));
        CREATE TABLE IF NOT EXISTS synthesis_drops(
          round INTEGER NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY(round, reason));
        """;
}
