namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// GPT-2's reversible byte-to-character map: printable Latin-1 bytes stand for themselves and the other 68 bytes are
/// moved to U+0100 and up, so every byte string becomes a string of visible characters that BPE can merge.
/// </summary>
internal static class ByteLevelAlphabet
{
    static readonly char[] ByteToChar = BuildByteToChar();
    static readonly Dictionary<char, byte> CharToByte = BuildCharToByte();

    /// <summary>Maps the UTF-8 bytes of <paramref name="text"/> to byte-level characters.</summary>
    public static string Encode(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>Appends the bytes a byte-level token stands for; characters outside the alphabet are kept as UTF-8.</summary>
    public static void AppendBytes(string token, List<byte> output)
    {
        foreach (var c in token)
        {
            if (CharToByte.TryGetValue(c, out var b)) output.Add(b);
            else output.AddRange(System.Text.Encoding.UTF8.GetBytes(c.ToString()));
        }
    }

    static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    static Dictionary<char, byte> BuildCharToByte()
    {
        var map = new Dictionary<char, byte>();
        for (int b = 0; b < 256; b++) map[ByteToChar[b]] = (byte)b;
        return map;
    }
}
