using System.Text;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Tests.Store;

public class JsonlAppendLogTests
{
    sealed record Entry(int N, string Text);

    [Fact]
    public void Appends_survive_reopening_in_order()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "ledger.jsonl");
        using (var log = new JsonlAppendLog(path))
        {
            log.Append(new Entry(1, "a"));
            log.Append(new Entry(2, "line\nbreak inside a string is escaped"));
        }
        using (var log = new JsonlAppendLog(path))
        {
            Assert.Equal(0, log.TornBytesDropped);
            log.Append(new Entry(3, "c"));
        }
        Assert.Equal([1, 2, 3], JsonlAppendLog.Read<Entry>(path).Select(e => e.N));
    }

    [Fact]
    public void A_torn_last_line_without_newline_is_dropped_on_open()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "judgements.jsonl");
        File.WriteAllText(path, "{\"N\":1,\"Text\":\"a\"}\n{\"N\":2,\"Te");
        Assert.Equal([1], JsonlAppendLog.Read<Entry>(path).Select(e => e.N)); // readers skip it too
        using (var log = new JsonlAppendLog(path))
        {
            Assert.Equal(Encoding.UTF8.GetByteCount("{\"N\":2,\"Te"), log.TornBytesDropped);
            log.Append(new Entry(2, "b"));
        }
        Assert.Equal("{\"N\":1,\"Text\":\"a\"}\n{\"N\":2,\"Text\":\"b\"}\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_garbled_last_line_that_ends_in_a_newline_is_dropped_too()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "g.jsonl");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("{\"N\":1,\"Text\":\"a\"}\n{\"N\":2,\0\0\0\n"));
        using (var log = new JsonlAppendLog(path)) Assert.True(log.TornBytesDropped > 0);
        Assert.Equal([1], JsonlAppendLog.Read<Entry>(path).Select(e => e.N));
    }

    [Fact]
    public void A_record_with_a_raw_newline_is_refused()
    {
        using var dir = new TempDir();
        using var log = new JsonlAppendLog(Path.Combine(dir.Path, "x.jsonl"));
        Assert.Throws<ArgumentException>(() => log.AppendLine("{\"a\":\n1}"));
    }

    [Fact]
    public void A_killed_writer_process_leaves_a_log_that_reopens_cleanly()
    {
        // A real crash: a child process appends as fast as it can and is killed with SIGKILL mid-stream.
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "crash.jsonl");
        var script = $"i=0; while true; do printf '{{\"N\":%d,\"Text\":\"%0500d\"}}\\n' $i 0 >> '{path}'; i=$((i+1)); done";
        using var child = System.Diagnostics.Process.Start("bash", ["-c", script]);
        // Killed once it has written some lines, however long bash takes to start on a loaded machine.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (!File.Exists(path) || new FileInfo(path).Length < 20 * 520)) Thread.Sleep(20);
        child.Kill();
        child.WaitForExit();
        // Simulate the torn tail a kill mid-write can leave (printf may finish its line before the signal lands).
        File.AppendAllText(path, "{\"N\":999999,\"Text\":\"00");
        var before = JsonlAppendLog.Read<Entry>(path);
        Assert.NotEmpty(before);
        using (var log = new JsonlAppendLog(path)) log.Append(new Entry(-1, "resumed"));
        var after = JsonlAppendLog.Read<Entry>(path);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal(Enumerable.Range(0, before.Count), after.Take(before.Count).Select(e => e.N));
    }
}
