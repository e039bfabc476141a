using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Tests.Store;

public class AtomicFileTests
{
    [Fact]
    public void Writes_and_replaces_without_leaving_temp_files()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "round-00", "out.json");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second ✓");
        Assert.Equal("second ✓", File.ReadAllText(path));
        Assert.Equal(new byte[] { 0x73 }, File.ReadAllBytes(path)[..1]); // no byte-order mark
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_writer_that_fails_midway_leaves_the_old_content_and_no_temp_file()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "gen.jsonl");
        AtomicFile.WriteAllLines(path, ["{\"a\":1}", "{\"a\":2}"]);
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("{\"a\":3}\n{\"a\""u8);
            throw new IOException("disk went away");
        }));
        Assert.Equal(["{\"a\":1}", "{\"a\":2}"], File.ReadAllLines(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
