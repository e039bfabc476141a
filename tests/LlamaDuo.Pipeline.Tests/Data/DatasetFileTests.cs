using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Data;

namespace LlamaDuo.Pipeline.Tests.Data;

public class DatasetFileTests
{
    [Fact]
    public void Rows_round_trip_with_provenance()
    {
        using var dir = new TempDir();
        var rows = new[]
        {
            new CoverageRow(ChatExample.FromPair("a", "Say \"hi\"\nplease", "hi ✓", system: "sys"), new RowProvenance("/x/d.jsonl", 3)),
            new CoverageRow(ChatExample.FromPair("s1", "q", "r"), new RowProvenance("round-01/synthetic.jsonl", 1, RowProvenance.Synthetic, 1)),
        };
        var path = Path.Combine(dir.Path, "data", "train.jsonl");
        DatasetFile.Write(path, rows);
        RowAssert.Same(rows, DatasetFile.Read(path));
        Assert.Equal(2, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void A_foreign_line_is_an_input_error_with_its_line()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InputException>(() => DatasetFile.Read(dir.File("t.jsonl", "{\"id\":\"a\"}\n")));
        Assert.Equal(1, e.Line);
    }
}
