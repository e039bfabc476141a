using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using LlamaDuo.Service.Batch;

namespace LlamaDuo.Pipeline.Store;

public sealed partial class RunStore
{
    /// <summary>
    /// The run's provider batches (table <c>batches</c>), as the journal the batching service client writes while it
    /// waits on a provider: a process that dies mid-batch finds the batch id here on --resume and attaches to it
    /// instead of paying again. Each call opens its own connection, so the client's polling threads never share the
    /// loop's.
    /// </summary>
    public IBatchJournal Batches => new BatchTable(Folder, Location, _runId);

    /// <summary>Every batch of the run, open or not, oldest first (for status and the report).</summary>
    public IReadOnlyList<BatchRecord> AllBatches() => BatchTable.Query(_db, _runId, openOnly: false);

    sealed class BatchTable(RunFolder folder, StoreLocation location, string runId) : IBatchJournal
    {
        public void Upsert(BatchRecord b)
        {
            using var db = Connect(folder, location);
            using var cmd = db.CreateCommand();
            cmd.CommandText = """
                INSERT INTO batches(run_id, id, provider, model, stage, status, custom_ids, created, ended, detail)
                VALUES(@run, @id, @provider, @model, @stage, @status, @ids, @created, @ended, @detail)
                ON CONFLICT(run_id, id) DO UPDATE SET provider = excluded.provider, model = excluded.model, stage = excluded.stage,
                  status = excluded.status, custom_ids = excluded.custom_ids, created = excluded.created, ended = excluded.ended,
                  detail = excluded.detail
                """;
            Add(cmd, "@run", runId);
            Add(cmd, "@id", b.Id);
            Add(cmd, "@provider", b.Provider);
            Add(cmd, "@model", b.Model);
            Add(cmd, "@stage", b.Stage);
            Add(cmd, "@status", b.Status);
            Add(cmd, "@ids", JsonSerializer.Serialize(b.CustomIds));
            Add(cmd, "@created", Format(b.Created));
            Add(cmd, "@ended", b.Ended is { } e ? Format(e) : null);
            Add(cmd, "@detail", b.Detail);
            cmd.ExecuteNonQuery();
        }

        public IReadOnlyList<BatchRecord> ListOpen()
        {
            using var db = Connect(folder, location);
            return Query(db, runId, openOnly: true);
        }

        public static List<BatchRecord> Query(DbConnection db, string runId, bool openOnly)
        {
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT id, provider, model, stage, status, custom_ids, created, ended, detail FROM batches WHERE run_id = @run ORDER BY created, id";
            Add(cmd, "@run", runId);
            using var r = cmd.ExecuteReader();
            var list = new List<BatchRecord>();
            while (r.Read())
                list.Add(new BatchRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    JsonSerializer.Deserialize<string[]>(r.GetString(5)) ?? [], Time(r.GetString(6)), r.IsDBNull(7) ? null : Time(r.GetString(7)),
                    r.IsDBNull(8) ? null : r.GetString(8)));
            return openOnly ? list.Where(b => b.IsOpen).ToList() : list;
        }

        static string Format(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
    }
}
