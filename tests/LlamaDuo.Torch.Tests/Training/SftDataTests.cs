using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Templates;
using LlamaDuo.Torch.Training;

namespace LlamaDuo.Torch.Tests.Training;

public sealed class SftDataTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("llamaduo-sftdata-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string WriteJsonl(params string[] lines)
    {
        var path = Path.Combine(dir, "train.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Reads_messages_and_prompt_response_rows()
    {
        var path = WriteJsonl(
            """{"id":"a","messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}""",
            "",
            """{"instruction":"q","output":"r","system":"sys"}""");
        var rows = SftJsonl.Read(path);
        Assert.Equal(2, rows.Count);
        Assert.Equal("a", rows[0].Id);
        Assert.Equal("yo", rows[0].Response);
        Assert.Equal("line-3", rows[1].Id);
        Assert.Equal(["system", "user", "assistant"], rows[1].Messages.Select(m => m.Role));
    }

    [Theory]
    [InlineData("", null, "training data is empty")]
    [InlineData("{\"prompt\":\"q\"}", "response", "no assistant turn")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}", "messages", "no assistant turn")]
    [InlineData("{\"messages\":[{\"role\":\"bot\",\"content\":\"q\"}]}", "messages[0].role", "role must be")]
    [InlineData("not json", null, "not valid JSON")]
    public void Bad_rows_name_file_line_and_field(string line, string? field, string message)
    {
        var path = WriteJsonl(line);
        var e = Assert.Throws<InputException>(() => SftJsonl.Read(path));
        Assert.Equal(path, e.File);
        Assert.Equal(field, e.Field);
        Assert.Contains(message, e.Message);
        if (line != "") Assert.Equal(1, e.Line);
    }

    [Fact]
    public void Loss_covers_assistant_tokens_and_the_appended_eos()
    {
        var encoder = new SftEncoder(new CharTokenizer(), PlainTemplate.Instance, 64, OverlongPolicy.Truncate);
        var row = encoder.Encode(ChatExample.FromPair("x", "abc", "de"));
        Assert.Equal([1, 3 + 'a' % 58, 3 + 'b' % 58, 3 + 'c' % 58, 3 + 'd' % 58, 3 + 'e' % 58, 2], row.Ids);
        Assert.Equal([false, false, false, false, true, true, true], row.IsTarget);
        var all = new SftEncoder(new CharTokenizer(), PlainTemplate.Instance, 64, OverlongPolicy.Truncate, assistantOnly: false).Encode(ChatExample.FromPair("x", "abc", "de"));
        Assert.Equal([false, true, true, true, true, true, true], all.IsTarget);
    }

    [Fact]
    public void Overlong_rows_are_truncated_or_dropped_and_counted()
    {
        var rows = new[]
        {
            ChatExample.FromPair("short", "ab", "c"),             // 1 + 3 + eos = 5 tokens
            ChatExample.FromPair("cut", "abcd", "efgh"),          // 10 tokens: truncated to 7 keeps "ef"
            ChatExample.FromPair("lost", "abcdefgh", "ij"),       // 12 tokens: truncation cuts every target
        };
        var truncated = new SftEncoder(new CharTokenizer(), PlainTemplate.Instance, 7, OverlongPolicy.Truncate).EncodeAll(rows);
        Assert.Equal(["short", "cut"], truncated.Examples.Select(e => e.Id));
        Assert.Equal((2, 1), (truncated.Truncated, truncated.Dropped));
        Assert.Equal(2, truncated.Examples[1].TargetCount);
        var dropped = new SftEncoder(new CharTokenizer(), PlainTemplate.Instance, 7, OverlongPolicy.Drop).EncodeAll(rows);
        Assert.Equal(["short"], dropped.Examples.Select(e => e.Id));
        Assert.Equal((0, 2), (dropped.Truncated, dropped.Dropped));
    }

    [Fact]
    public void Length_buckets_visit_every_row_once_per_epoch_and_depend_only_on_seed_and_epoch()
    {
        var lengths = Enumerable.Range(0, 203).Select(i => i * 37 % 50 + 1).ToList();
        var epoch0 = LengthBuckets.ForEpoch(lengths, 8, seed: 1, epoch: 0);
        Assert.Equal(Enumerable.Range(0, 203), epoch0.SelectMany(b => b).Order());
        Assert.Equal(LengthBuckets.BatchesPerEpoch(203, 8), epoch0.Count);
        Assert.Equal(epoch0, LengthBuckets.ForEpoch(lengths, 8, seed: 1, epoch: 0));
        Assert.NotEqual(epoch0.SelectMany(b => b), LengthBuckets.ForEpoch(lengths, 8, seed: 1, epoch: 1).SelectMany(b => b));
        // Bucketing keeps padding low: rows in a batch come from one sorted window.
        var padding = epoch0.Sum(b => b.Max(i => lengths[i]) * b.Length - b.Sum(i => lengths[i]));
        var total = lengths.Sum();
        Assert.True(padding < total / 4, $"padding {padding} of {total} tokens");
    }

    [Fact]
    public void Cosine_schedule_warms_up_then_decays_to_zero()
    {
        var s = new CosineSchedule(1e-3, TotalSteps: 100, WarmupRatio: 0.1);
        Assert.Equal(10, s.WarmupSteps);
        Assert.Equal(1e-4, s.At(0), 12);
        Assert.Equal(1e-3, s.At(9), 12);
        Assert.Equal(1e-3, s.At(10), 12);
        Assert.Equal(0.5e-3, s.At(55), 12);
        Assert.True(s.At(99) < 1e-6);
    }
}
