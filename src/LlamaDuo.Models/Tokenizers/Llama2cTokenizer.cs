using System.Text;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// The llama2.c tokenizer (tokenizer.bin): a SentencePiece vocabulary with scores. Encoding prefixes a space, maps
/// each character to its piece (or to byte-fallback ids 3..258), then repeatedly merges the adjacent pair whose
/// joined text is the highest-scoring piece. Ids 0/1/2 are unk/bos/eos.
/// </summary>
public sealed class Llama2cTokenizer : ITokenizer
{
    private const int FirstByteId = 3, ByteCount = 256;
    private readonly byte[][] pieces;
    private readonly float[] scores;
    private readonly Dictionary<string, int> idOfText;

    private Llama2cTokenizer(byte[][] pieces, float[] scores)
    {
        this.pieces = pieces;
        this.scores = scores;
        // Ids 3..258 hold single raw bytes; mapping text to them would turn e.g. ":" into a byte token instead of its
        // real piece, so only ids from 259 on are looked up by text.
        idOfText = new Dictionary<string, int>(pieces.Length);
        for (var id = FirstByteId + ByteCount; id < pieces.Length; id++)
            idOfText.TryAdd(Encoding.UTF8.GetString(pieces[id]), id);
    }

    /// <summary>Reads tokenizer.bin for a vocabulary of <paramref name="vocabSize"/> pieces (from the model header).</summary>
    public static Llama2cTokenizer Load(string path, int vocabSize)
    {
        if (!File.Exists(path)) throw new InputException("tokenizer.bin not found", path);
        using var reader = new BinaryReader(File.OpenRead(path));
        var pieces = new byte[vocabSize][];
        var scores = new float[vocabSize];
        try
        {
            reader.ReadInt32(); // max_token_length: not needed, pieces carry their own lengths
            for (var i = 0; i < vocabSize; i++)
            {
                scores[i] = reader.ReadSingle();
                var len = reader.ReadInt32();
                if (len < 0 || len > 1024) throw new InputException($"piece {i} has an impossible length {len}; the file is corrupt", path);
                pieces[i] = reader.ReadBytes(len);
                if (pieces[i].Length != len) throw new EndOfStreamException();
            }
        }
        catch (EndOfStreamException)
        {
            throw new InputException($"truncated tokenizer file: expected {vocabSize} pieces", path);
        }
        return new Llama2cTokenizer(pieces, scores);
    }

    public int VocabSize => pieces.Length;
    public int? BosId => 1;
    public int EosId => 2;

    /// <summary>The SentencePiece score of a piece (merge priority), for GGUF export.</summary>
    public float Score(int id) => scores[id];

    /// <summary>True for the byte-fallback ids 3..258.</summary>
    public static bool IsByteToken(int id) => id is >= FirstByteId and < FirstByteId + ByteCount;

    public IReadOnlyList<int> Encode(string text, bool addBos = false, bool parseSpecial = true)
    {
        var ids = new List<int>(text.Length + 2);
        if (addBos) ids.Add(1);
        if (text.Length == 0) return ids;
        var tokens = new List<int>(text.Length + 1) { idOfText[" "] }; // SentencePiece's dummy prefix
        var bytes = new byte[4];
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var ch = char.IsSurrogatePair(text, i) ? text.Substring(i, 2) : text[i].ToString();
            if (idOfText.TryGetValue(ch, out var id)) { tokens.Add(id); continue; }
            var n = Encoding.UTF8.GetBytes(ch, bytes);
            for (var j = 0; j < n; j++) tokens.Add(FirstByteId + bytes[j]);
        }
        MergeByScore(tokens);
        ids.AddRange(tokens);
        return ids;
    }

    private void MergeByScore(List<int> tokens)
    {
        var texts = tokens.Select(PieceString).ToList();
        while (true)
        {
            float best = float.NegativeInfinity;
            int bestAt = -1, bestId = -1;
            for (var i = 0; i + 1 < tokens.Count; i++)
            {
                if (idOfText.TryGetValue(texts[i] + texts[i + 1], out var id) && scores[id] > best)
                    (best, bestAt, bestId) = (scores[id], i, id);
            }
            if (bestAt < 0) return;
            tokens[bestAt] = bestId;
            texts[bestAt] += texts[bestAt + 1];
            tokens.RemoveAt(bestAt + 1);
            texts.RemoveAt(bestAt + 1);
        }
    }

    // Byte tokens have no text of their own; "\0" keeps them from ever merging with a real piece.
    private string PieceString(int id) => IsByteToken(id) ? "\0" : Encoding.UTF8.GetString(pieces[id]);

    public string Decode(IEnumerable<int> ids, bool skipSpecial = false)
    {
        var bytes = new List<byte>();
        var previous = -1;
        foreach (var id in ids)
        {
            if (id is < 0 || id >= pieces.Length) throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is outside the vocabulary");
            if (id is 0 or 1 or 2)
            {
                if (!skipSpecial) bytes.AddRange(Encoding.UTF8.GetBytes(TokenText(id)));
                previous = id;
                continue;
            }
            var piece = pieces[id];
            // After BOS the dummy-prefix space is not part of the text (as in llama2.c's decode).
            var start = previous == 1 && piece.Length > 0 && piece[0] == (byte)' ' ? 1 : 0;
            for (var i = start; i < piece.Length; i++) bytes.Add(piece[i]);
            previous = id;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The piece in SentencePiece notation: "▁" for a space, "&lt;0xXX&gt;" for byte tokens, "&lt;s&gt;" etc. for specials.</summary>
    public string TokenText(int id) => id switch
    {
        0 => "<unk>",
        1 => "<s>",
        2 => "</s>",
        _ when IsByteToken(id) => $"<0x{id - FirstByteId:X2}>",
        _ => Encoding.UTF8.GetString(pieces[id]).Replace(' ', '\u2581'),
    };

    public int? SpecialTokenId(string text) => text switch
    {
        "<unk>" => 0,
        "<s>" => 1,
        "</s>" => 2,
        _ => null,
    };
}
