using System.Data.Common;
using System.Text.Json;
using LlamaDuo.Pipeline.Data;

namespace LlamaDuo.Pipeline.Store;

public sealed partial class RunStore
{
    /// <summary>Split names used in the rows table.</summary>
    public const string TrainSplit = "train", TestSplit = "test";

    /// <summary>Adds rows to a split; a row id already present is left as it is (so a resumed stage can add again).</summary>
    /// <returns>How many rows were new.</returns>
    public int AddRows(string split, IEnumerable<CoverageRow> rows)
    {
        using var tx = Begin();
        long seq;
        using (var max = Command("SELECT COALESCE(MAX(seq), 0) FROM rows WHERE run_id = @run"))
            seq = Convert.ToInt64(max.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        var added = 0;
        foreach (var row in rows)
        {
            var p = row.Provenance;
            var json = JsonSerializer.Serialize(new { source = p.Source, line = p.Line, origin = p.Origin, round = p.Round });
            var isNew = Execute("""
                INSERT INTO rows(run_id, id, split, origin, round_added, source, provenance, seq) VALUES(@run, @id, @split, @origin, @round, @source, @prov, @seq)
                ON CONFLICT(run_id, id) DO NOTHING
                """,
                ("@id", row.Id), ("@split", split), ("@origin", p.Origin), ("@round", p.Round), ("@source", p.Source), ("@prov", json), ("@seq", seq + 1));
            if (isNew == 1) { added++; seq++; }
        }
        tx.Commit();
        return added;
    }

    /// <summary>Rows of one split in the order they were added, optionally only those of one origin (coverage or synthetic).</summary>
    public IReadOnlyList<StoredRow> RowsIn(string split, string? origin = null)
    {
        using var cmd = Command("SELECT id, split, origin, round_added, source, provenance FROM rows WHERE run_id = @run AND split = @s"
            + (origin is null ? "" : " AND origin = @o") + " ORDER BY round_added, seq", ("@s", split), ("@o", origin));
        using var r = cmd.ExecuteReader();
        var list = new List<StoredRow>();
        while (r.Read()) list.Add(new StoredRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5)));
        return list;
    }

    /// <summary>Stores judge results; a result already stored (same round, row, sample, judge round, judge) is kept, so a resumed judge stage repeats nothing.</summary>
    /// <returns>How many results were new.</returns>
    public int AddJudgements(IEnumerable<JudgementRecord> judgements)
    {
        using var tx = Begin();
        var added = 0;
        foreach (var j in judgements)
            added += Execute("""
                INSERT INTO judgements(run_id, round, row_id, sample, judge_round, judge, similarity, precision, reason, error)
                VALUES(@run, @r, @row, @s, @jr, @j, @sim, @prec, @reason, @err) ON CONFLICT(run_id, round, row_id, sample, judge_round, judge) DO NOTHING
                """,
                ("@r", j.Round), ("@row", j.RowId), ("@s", j.Sample), ("@jr", j.JudgeRound), ("@j", j.Judge),
                ("@sim", j.Similarity), ("@prec", j.Precision), ("@reason", j.Reason), ("@err", j.Error));
        tx.Commit();
        return added;
    }

    /// <summary>Judge results, all rounds or one.</summary>
    public IReadOnlyList<JudgementRecord> Judgements(int? round = null)
    {
        using var cmd = Command("SELECT round, row_id, sample, judge_round, judge, similarity, precision, reason, error FROM judgements WHERE run_id = @run"
            + (round is null ? "" : " AND round = @r") + " ORDER BY round, row_id, sample, judge_round, judge", ("@r", round));
        using var r = cmd.ExecuteReader();
        var list = new List<JudgementRecord>();
        while (r.Read())
            list.Add(new JudgementRecord(r.GetInt32(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetString(4),
                NullableDouble(r, 5), NullableDouble(r, 6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8)));
        return list;
    }

    static double? NullableDouble(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
}
