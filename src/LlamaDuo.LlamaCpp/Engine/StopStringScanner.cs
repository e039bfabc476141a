using System.Text;

namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>
/// Turns one sequence's token bytes into text while watching for stop strings: text that might be the start of a
/// stop string is held back until it is known not to be, so streamed output never shows part of a stop marker.
/// </summary>
sealed class StopStringScanner(IReadOnlyList<string> stopStrings)
{
    readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    readonly StringBuilder _text = new();
    int _emitted;

    /// <summary>True once a stop string has appeared; <see cref="Text"/> then ends just before it.</summary>
    public bool Stopped { get; private set; }

    /// <summary>All text so far (cut at the stop string once stopped).</summary>
    public string Text => _text.ToString();

    /// <summary>Adds a token's bytes; returns the newly safe text (possibly empty).</summary>
    public string Append(ReadOnlySpan<byte> bytes)
    {
        if (Stopped) return "";
        var chars = new char[_utf8.GetCharCount(bytes, flush: false)];
        _utf8.GetChars(bytes, chars, flush: false);
        _text.Append(chars);
        var text = _text.ToString();
        foreach (var stop in stopStrings)
        {
            int at = text.IndexOf(stop, Math.Max(0, _emitted - stop.Length), StringComparison.Ordinal);
            if (at < 0) continue;
            Stopped = true;
            _text.Length = at;
            return TakeUpTo(at);
        }
        return TakeUpTo(text.Length - HeldBack(text));
    }

    /// <summary>Whatever is still held back, when generation ends without a stop string.</summary>
    public string Flush() => Stopped ? "" : TakeUpTo(_text.Length);

    string TakeUpTo(int end)
    {
        if (end <= _emitted) return "";
        var delta = _text.ToString(_emitted, end - _emitted);
        _emitted = end;
        return delta;
    }

    // Length of the longest tail of the text that is a proper prefix of some stop string.
    int HeldBack(string text)
    {
        int held = 0;
        foreach (var stop in stopStrings)
            for (int n = Math.Min(stop.Length - 1, text.Length); n > held; n--)
                if (text.AsSpan(text.Length - n).SequenceEqual(stop.AsSpan(0, n))) { held = n; break; }
        return held;
    }
}
