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
        var added = 0;
        foreach (var row in rows)
        {
            var p = row.Provenance;
            var json = JsonSerializer.Serialize(new { source = p.Source, line = p.Line, origin = p.Origin, round = p.Round });
            added += Execute("INSERT OR IGNORE INTO rows VALUES($id, $split, $origin, $round, $source, $prov)",
                ("$id", row.Id), ("$split", split), ("$origin", p.Origin), ("$round", p.Round), ("$source", p.Source), ("$prov", json));
        }
        tx.Commit();
        return added;
    }

    /// <summary>Rows of one split, optionally only those added by one origin (coverage or synthetic).</summary>
    public IReadOnlyList<StoredRow> RowsIn(string split, string? origin = null)
    {
        using var cmd = Command("SELECT id, split, origin, round_added, source, provenance FROM rows WHERE split = $s AND ($o IS NULL OR origin = $o) ORDER BY round_added, rowid",
            ("$s", split), ("$o", origin));
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
            added += Execute("INSERT OR IGNORE INTO judgements VALUES($r, $row, $s, $jr, $j, $sim, $prec, $reason, $err)",
                ("$r", j.Round), ("$row", j.RowId), ("$s", j.Sample), ("$jr", j.JudgeRound), ("$j", j.Judge),
                ("$sim", j.Similarity), ("$prec", j.Precision), ("$reason", j.Reason), ("$err", j.Error));
        tx.Commit();
        return added;
    }

    /// <summary>Judge results, all rounds or one.</summary>
    public IReadOnlyList<JudgementRecord> Judgements(int? round = null)
    {
        using var cmd = Command("SELECT * FROM judgements WHERE $r IS NULL OR round = $r ORDER BY round, row_id, sample, judge_round, judge", ("$r", round));
        using var r = cmd.ExecuteReader();
        var list = new List<JudgementRecord>();
        while (r.Read())
            list.Add(new JudgementRecord(r.GetInt32(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetDouble(5), r.IsDBNull(6) ? null : r.GetDouble(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8)));
        return list;
    }
}
