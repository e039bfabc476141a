using System.Text.Unicode;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// A text dataset file must be UTF-8: bytes that are not would otherwise turn into U+FFFD without a word and be
/// trained on. The first bad line is an error naming file and line, unless the config says
/// <c>data.encoding_errors: replace</c>.
/// </summary>
static class Utf8Check
{
    public static void ThrowIfInvalid(string path)
    {
        using var file = File.OpenRead(path);
        var buffer = new byte[1 << 16];
        var line = new List<byte>();
        int lineNo = 1, read;
        while ((read = file.Read(buffer)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            int newline;
            while ((newline = chunk.IndexOf((byte)'\n')) >= 0)
            {
                Check(path, lineNo, line, chunk[..newline]);
                line.Clear();
                lineNo++;
                chunk = chunk[(newline + 1)..];
            }
            line.AddRange(chunk);
        }
        Check(path, lineNo, line, []);
    }

    static void Check(string path, int lineNo, List<byte> start, ReadOnlySpan<byte> rest)
    {
        bool valid = start.Count == 0 ? Utf8.IsValid(rest) : Utf8.IsValid([.. start, .. rest]);
        if (!valid)
            throw new InputException("is not valid UTF-8 text; convert the file to UTF-8 (iconv -f ... -t UTF-8), or set data.encoding_errors: replace to read bad bytes as U+FFFD",
                path, lineNo, field: "data.encoding_errors");
    }
}
