using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;

namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// Reads the coverage dataset named by the <c>data</c> section into rows with stable ids and provenance. A row that
/// repeats an earlier one exactly (same id, same conversation) is dropped and counted; two different rows with the
/// same id are an error naming both lines.
/// </summary>
internal static class CoverageLoader
{
    public static CoverageSet Load(DataOptions data)
    {
        var rows = new List<CoverageRow>();
        var byId = new Dictionary<string, CoverageRow>();
        var duplicates = 0;
        foreach (var (file, reader) in DatasetSource.Resolve(data))
        {
            if (reader is not ParquetRecordReader && data.EncodingErrors == "strict") Utf8Check.ThrowIfInvalid(file);
            foreach (var record in reader.Read(file))
            {
                var row = RowMapper.Map(record, data.Columns);
                if (byId.TryGetValue(row.Id, out var first))
                {
                    if (first.Example.Messages.SequenceEqual(row.Example.Messages)) { duplicates++; continue; }
                    throw new InputException(
                        $"id '{row.Id}' is also used by a different row at {first.Provenance.Source}:{first.Provenance.Line}; ids must be unique (or drop data.columns.id to use content hashes)",
                        record.Source, record.Line, data.Columns.Id);
                }
                byId[row.Id] = row;
                rows.Add(row);
            }
        }
        if (rows.Count == 0) throw new InputException("the dataset has no rows", data.Path, field: "data.path");
        return new CoverageSet(rows, duplicates);
    }
}
