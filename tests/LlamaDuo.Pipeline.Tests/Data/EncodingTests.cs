using System.Text;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;

namespace LlamaDuo.Pipeline.Tests.Data;

/// <summary>Bytes that are not UTF-8 are an error naming file and line, unless data.encoding_errors says replace.</summary>
public class EncodingTests
{
    static string Latin1File(TempDir dir, string name, string header = "")
    {
        var path = dir.File(name, "");
        var good = Encoding.UTF8.GetBytes(header + "{\"prompt\": \"Capital of France?\", \"response\": \"Paris\"}\n");
        var bad = Encoding.Latin1.GetBytes("{\"prompt\": \"Caf\u00e9 near Z\u00fcrich?\", \"response\": \"Yes\"}\n"); // é, ü as single bytes
        File.WriteAllBytes(path, [.. good, .. good, .. bad]);
        return path;
    }

    [Fact]
    public void Invalid_utf8_is_an_error_naming_file_and_line()
    {
        using var dir = new TempDir();
        var path = Latin1File(dir, "d.jsonl");
        var e = Assert.Throws<InputException>(() => CoverageLoader.Load(new DataOptions { Path = path, Columns = new ColumnMapping { Prompt = "prompt", Response = "response" } }));
        Assert.Equal((path, 3), (e.File, e.Line));
        Assert.Contains("not valid UTF-8", e.Message);
        Assert.Contains("data.encoding_errors: replace", e.Message);
    }

    [Fact]
    public void Encoding_errors_replace_reads_bad_bytes_as_the_replacement_character()
    {
        using var dir = new TempDir();
        var path = Latin1File(dir, "d.jsonl");
        var config = LlamaDuoConfig.Parse($"data:\n  path: {path}\n  encoding_errors: replace\n  columns: {{prompt: prompt, response: response}}\n");
        var set = CoverageLoader.Load(config.Data);
        Assert.Contains('\uFFFD', set.Rows[^1].Example.Prompt);
        Assert.Throws<InputException>(() => LlamaDuoConfig.Parse("data:\n  path: x.jsonl\n  encoding_errors: ignore\n"));
    }
}
