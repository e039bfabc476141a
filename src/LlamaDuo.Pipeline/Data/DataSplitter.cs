using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;

namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// Deterministic seeded split. Rows are ordered by sha256(seed, id), so the split depends only on the ids and the
/// seed, not on file order; the first round(n x test_ratio) rows (at least one) are test. Test rows whose normalised
/// prompt also appears in train are moved to train (automatic removal from test, reported in the result). Too few
/// rows on either side is an error.
/// </summary>
internal static class DataSplitter
{
    public static TrainTestSplit Split(IReadOnlyList<CoverageRow> rows, DataOptions data)
    {
        if (rows.Count == 0) throw new InputException("the dataset has no rows to split", data.Path, field: "data.path");
        var ordered = rows.OrderBy(r => SplitKey(data.SplitSeed, r.Id), StringComparer.Ordinal).ToList();
        var testCount = Math.Clamp((int)Math.Round(rows.Count * data.TestRatio, MidpointRounding.AwayFromZero), 1, rows.Count);
        var test = ordered.Take(testCount).ToList();
        var train = ordered.Skip(testCount).ToList();

        var trainPrompts = new Dictionary<string, string>();
        foreach (var r in train) trainPrompts.TryAdd(PromptKey(r), r.Id);
        var moved = new List<SplitOverlap>();
        foreach (var r in test.ToList())
        {
            if (!trainPrompts.TryGetValue(PromptKey(r), out var trainId)) continue;
            moved.Add(new SplitOverlap(r.Id, trainId));
            test.Remove(r);
            train.Add(r);
        }

        var overlapNote = moved.Count > 0 ? $" ({moved.Count} test rows repeated a train prompt and were moved to train)" : "";
        if (test.Count < data.MinTestRows)
            throw new InputException(
                $"the test split has {test.Count} rows but data.min_test_rows is {data.MinTestRows}{overlapNote}; raise data.test_ratio (now {data.TestRatio.ToString(CultureInfo.InvariantCulture)}) or add rows",
                data.Path, field: "data.test_ratio", value: $"{rows.Count} rows");
        if (train.Count < data.MinTrainRows)
            throw new InputException(
                $"the train split has {train.Count} rows but data.min_train_rows is {data.MinTrainRows}; lower data.test_ratio or add rows",
                data.Path, field: "data.test_ratio", value: $"{rows.Count} rows");
        return new TrainTestSplit(train, test, moved);
    }

    /// <summary>Prompt text for overlap checks: every turn but the final answer, case-folded, punctuation and runs of spaces collapsed to one space.</summary>
    public static string PromptKey(CoverageRow row) =>
        Normalise(string.Join("\n", row.Example.Messages.Take(row.Example.Messages.Count - 1).Select(m => m.Content)));

    public static string Normalise(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c)) { sb.Append(c); space = false; }
            else if (!space && sb.Length > 0) { sb.Append(' '); space = true; }
        }
        return sb.ToString().TrimEnd();
    }

    static string SplitKey(int seed, string id) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{id}")));
}
