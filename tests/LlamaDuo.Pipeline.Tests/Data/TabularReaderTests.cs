using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using Parquet.Serialization;

namespace LlamaDuo.Pipeline.Tests.Data;

public class TabularReaderTests
{
    public sealed class Message
    {
        public string? Role { get; set; }
        public string? Content { get; set; }
    }

    public sealed class ChatRow
    {
        public string? PromptId { get; set; }
        public List<Message>? Messages { get; set; }
    }

    public sealed class PairRow
    {
        public string? Instruction { get; set; }
        public string? Output { get; set; }
    }

    [Fact]
    public void Csv_reads_quoted_multiline_fields_with_the_line_each_record_starts_on()
    {
        using var dir = new TempDir();
        var path = dir.File("d.csv", "prompt,response\n\"Summarize:\nline two, with comma\",\"A \"\"quoted\"\" summary\"\nSecond?,Yes\n");
        var set = CoverageLoader.Load(new DataOptions { Path = path });
        Assert.Equal(2, set.Rows.Count);
        Assert.Equal("Summarize:\nline two, with comma", set.Rows[0].Example.Prompt);
        Assert.Equal("A \"quoted\" summary", set.Rows[0].Example.Response);
        Assert.Equal(2, set.Rows[0].Provenance.Line);
        Assert.Equal(4, set.Rows[1].Provenance.Line);
    }

    [Fact]
    public void Csv_messages_column_holds_json()
    {
        using var dir = new TempDir();
        var path = dir.File("d.csv", "id,messages\nm1,\"[{\"\"role\"\":\"\"user\"\",\"\"content\"\":\"\"Hi\"\"},{\"\"role\"\":\"\"assistant\"\",\"\"content\"\":\"\"Yo\"\"}]\"\n");
        var row = Assert.Single(CoverageLoader.Load(new DataOptions { Path = path }).Rows);
        Assert.Equal("m1", row.Id);
        Assert.Equal("Yo", row.Example.Response);
    }

    [Fact]
    public void Csv_errors_name_the_line()
    {
        using var dir = new TempDir();
        var empty = dir.File("empty.csv", "prompt,response\nok,fine\n\"what\",\n");
        var e = Assert.Throws<InputException>(() => CoverageLoader.Load(new DataOptions { Path = empty }));
        Assert.Equal((3, "response"), (e.Line!.Value, e.Field!));

        var ragged = dir.File("ragged.csv", "prompt,response\nok,fine\na,b,c\n");
        var r = Assert.Throws<InputException>(() => CoverageLoader.Load(new DataOptions { Path = ragged }));
        Assert.Equal(ragged, r.File);
        Assert.Equal(3, r.Line);
    }

    [Fact]
    public async Task Parquet_reads_nested_messages_like_hugging_face_writes_them()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "chat.parquet");
        await ParquetSerializer.SerializeAsync(new[]
        {
            new ChatRow { PromptId = "p1", Messages = [new() { Role = "user", Content = "Classify: great!" }, new() { Role = "assistant", Content = "Positive" }] },
            new ChatRow { PromptId = "p2", Messages = [new() { Role = "user", Content = "Classify: awful." }, new() { Role = "assistant", Content = "Negative" }] },
        }, path);
        var set = CoverageLoader.Load(new DataOptions { Path = path, Columns = new ColumnMapping { Messages = "Messages", Id = "PromptId" } });
        Assert.Equal(["p1", "p2"], set.Rows.Select(r => r.Id));
        Assert.Equal("Negative", set.Rows[1].Example.Response);
        Assert.Equal(2, set.Rows[1].Provenance.Line); // 1-based row number
    }

    [Fact]
    public async Task Hf_folder_reads_every_data_file_in_name_order()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "data"));
        await ParquetSerializer.SerializeAsync(new[] { new PairRow { Instruction = "i1", Output = "o1" } }, Path.Combine(dir.Path, "data", "train-00000-of-00001.parquet"));
        dir.File("data/validation.jsonl", "{\"Instruction\": \"i2\", \"Output\": \"o2\"}\n");
        dir.File("README.md", "# card");
        var set = CoverageLoader.Load(new DataOptions { Path = dir.Path, Columns = new ColumnMapping { Prompt = "Instruction", Response = "Output" } });
        Assert.Equal(["i1", "i2"], set.Rows.Select(r => r.Example.Prompt));
        Assert.EndsWith("validation.jsonl", set.Rows[1].Provenance.Source);
    }

    [Fact]
    public void Hf_arrow_layout_is_refused_with_the_way_out()
    {
        using var dir = new TempDir();
        dir.File("train/data-00000-of-00001.arrow", "not really arrow");
        dir.File("train/dataset_info.json", "{}");
        var e = Assert.Throws<InputException>(() => CoverageLoader.Load(new DataOptions { Path = dir.Path, Format = DataFormat.Hf }));
        Assert.Contains("save_to_disk", e.Message);
        Assert.Contains("to_parquet", e.Message);
    }
}
