using System.Text;
using LlamaDuo.LlamaCpp.Engine;

namespace LlamaDuo.LlamaCpp.Tests.Engine;

public sealed class StopStringScannerTests
{
    [Fact]
    public void Holds_back_a_possible_stop_prefix_and_cuts_before_the_stop_string()
    {
        var scanner = new StopStringScanner(["<|im_end|>"]);
        var shown = new StringBuilder();
        foreach (var piece in new[] { "Hello", " wor", "ld<|im", "_en", "d|>more" })
            shown.Append(scanner.Append(Encoding.UTF8.GetBytes(piece)));
        Assert.True(scanner.Stopped);
        Assert.Equal("Hello world", shown.ToString());
        Assert.Equal("Hello world", scanner.Text);
    }

    [Fact]
    public void Releases_held_text_when_it_turns_out_not_to_be_a_stop_string_and_joins_split_utf8()
    {
        var scanner = new StopStringScanner(["\n\n"]);
        var bytes = Encoding.UTF8.GetBytes("a\nb é");
        var shown = new StringBuilder();
        foreach (var b in bytes) shown.Append(scanner.Append([b]));
        shown.Append(scanner.Flush());
        Assert.False(scanner.Stopped);
        Assert.Equal("a\nb é", shown.ToString());
    }
}
