using System.Text.Json.Nodes;
using CsvHelper;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// CSV with a header row (RFC 4180 quoting, multi-line fields allowed, comma separated). Every cell is text; a
/// messages column holds the conversation as JSON text, which the row mapper parses. Malformed quoting and records
/// with a different number of cells than the header are errors naming the line where the record starts.
/// </summary>
internal sealed class CsvRecordReader : IRecordReader
{
    public IEnumerable<RawRecord> Read(string path)
    {
        var options = new CsvReaderOptions
        {
            Separator = ',',
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
        };
        using var csv = CsvReader.FromFile(path, options);
        while (true)
        {
            JsonObject fields;
            int line;
            try
            {
                if (!csv.Read()) yield break;
                line = (int)csv.LineNumber;
                var headers = csv.Headers;
                fields = new JsonObject();
                for (var i = 0; i < headers.Count && i < csv.FieldCount; i++) fields[headers[i]] = csv.GetString(i);
            }
            catch (CsvFormatException e)
            {
                throw new InputException($"malformed CSV: {e.Message.Split('\n')[0]}", path, e.LineNumber > 0 ? (int)e.LineNumber : null, inner: e);
            }
            yield return new RawRecord(fields, path, line);
        }
    }
}
