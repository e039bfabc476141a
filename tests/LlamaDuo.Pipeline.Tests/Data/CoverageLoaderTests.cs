using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;

namespace LlamaDuo.Pipeline.Tests.Data;

public class CoverageLoaderTests
{
    static DataOptions Options(string path, ColumnMapping? columns = null) => new() { Path = path, Columns = columns ?? new ColumnMapping() };

    [Fact]
    public void Jsonl_messages_rows_keep_roles_provenance_and_given_ids()
    {
        using var dir = new TempDir();
        var path = dir.File("d.jsonl", """
            {"id": "a", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Hello."}]}

            {"id": 7, "messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]}
            """);
        var set = CoverageLoader.Load(Options(path));
        Assert.Equal(2, set.Rows.Count);
        Assert.Equal("a", set.Rows[0].Id);
        Assert.Equal("Hi?", set.Rows[0].Example.Prompt);
        Assert.Equal("Hello.", set.Rows[0].Example.Response);
        Assert.Equal("system", set.Rows[0].Example.Messages[0].Role);
        Assert.Equal("7", set.Rows[1].Id);
        Assert.Equal(new RowProvenance(path, 3), set.Rows[1].Provenance); // blank line 2 is skipped but counted
    }

    [Fact]
    public void Prompt_response_columns_are_mapped_and_ids_default_to_a_stable_content_hash()
    {
        using var dir = new TempDir();
        var path = dir.File("d.jsonl", "{\"q\": \"Capital of France?\", \"a\": \"Paris\"}\n{\"q\": \"Capital of Peru?\", \"a\": \"Lima\"}\n");
        var columns = new ColumnMapping { Prompt = "q", Response = "a" };
        var first = CoverageLoader.Load(Options(path, columns));
        var again = CoverageLoader.Load(Options(path, columns));
        Assert.Equal("Capital of France?", first.Rows[0].Example.Prompt);
        Assert.Equal("Paris", first.Rows[0].Example.Response);
        Assert.Matches("^[0-9a-f]{16}$", first.Rows[0].Id);
        Assert.NotEqual(first.Rows[0].Id, first.Rows[1].Id);
        Assert.Equal(first.Rows.Select(r => r.Id), again.Rows.Select(r => r.Id));
    }

    [Theory]
    [InlineData("{\"prompt\": \"p\", \"response\": \"r\"}\n{\"prompt\": \"p2\", \"response\": \n", 2, null, "not valid JSON")]
    [InlineData("{\"prompt\": \"p\"}\n", 1, "response", "missing field")]
    [InlineData("{\"prompt\": \"p\", \"response\": \"   \"}\n", 1, "response", "empty content")]
    [InlineData("{\"text\": \"p\"}\n", 1, "messages", "neither")]
    [InlineData("[1, 2]\n", 1, null, "JSON object")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"\"}]}\n", 1, "messages[1].content", "empty content")]
    [InlineData("{\"messages\": [{\"role\": \"bot\", \"content\": \"q\"}]}\n", 1, "messages[0].role", "role must be")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}\n", 1, "messages", "end with an assistant turn")]
    [InlineData("{\"messages\": []}\n", 1, "messages", "non-empty list")]
    public void Bad_jsonl_rows_name_file_line_and_field(string content, int line, string? field, string message)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.jsonl", content);
        var e = Assert.Throws<InputException>(() => CoverageLoader.Load(Options(path)));
        Assert.Equal(path, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Exact_duplicates_are_dropped_and_conflicting_ids_are_an_error()
    {
        using var dir = new TempDir();
        var row = "{\"id\": \"x\", \"prompt\": \"p\", \"response\": \"r\"}\n";
        var dup = dir.File("dup.jsonl", row + row + "{\"id\": \"y\", \"prompt\": \"p\", \"response\": \"r2\"}\n");
        var set = CoverageLoader.Load(Options(dup));
        Assert.Equal(2, set.Rows.Count);
        Assert.Equal(1, set.DuplicatesDropped);

        var clash = dir.File("clash.jsonl", row + "{\"id\": \"x\", \"prompt\": \"p\", \"response\": \"other\"}\n");
        var e = Assert.Throws<InputException>(() => CoverageLoader.Load(Options(clash)));
        Assert.Equal(2, e.Line);
        Assert.Equal("id", e.Field);
        Assert.Contains($"{clash}:1", e.Message);
    }

    [Fact]
    public void Missing_file_unknown_extension_and_empty_dataset_are_errors()
    {
        using var dir = new TempDir();
        Assert.Equal("data.path", Assert.Throws<InputException>(() => CoverageLoader.Load(Options(Path.Combine(dir.Path, "none.jsonl")))).Field);
        Assert.Equal("data.format", Assert.Throws<InputException>(() => CoverageLoader.Load(Options(dir.File("d.txt", "x")))).Field);
        Assert.Contains("no rows", Assert.Throws<InputException>(() => CoverageLoader.Load(Options(dir.File("e.jsonl", "\n\n")))).Message);
    }
}
