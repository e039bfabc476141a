using System.Text.Json;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// A Hugging Face tokenizer.json BPE tokenizer, both flavours: byte-level (Llama 3, Qwen2/3, SmolLM) and
/// SentencePiece-BPE with byte fallback (Llama 2, Mistral, Gemma). Encoding runs: split out added tokens, normalize
/// each stretch of text, pre-tokenize into words, BPE each word. bos/eos/pad and add_bos come from
/// tokenizer_config.json when present. Also exposes what a GGUF exporter needs (vocab, merges, token kinds).
/// </summary>
public sealed class HfTokenizer : ITokenizer
{
    readonly string[] _tokens;
    readonly TokenKind[] _kinds;
    readonly BpeModel _bpe;
    readonly TextNormalizer _normalizer;
    readonly PreTokenizer _preTokenizer;
    readonly TokenDecoder _decoder;
    readonly AddedTokenSplitter _splitter;
    readonly Dictionary<string, AddedToken> _addedByContent;
    readonly Dictionary<int, AddedToken> _addedById;
    float[]? _scores;

    HfTokenizer(HfTokenizerParts parts)
    {
        (_tokens, _kinds) = (parts.Tokens, parts.Kinds);
        (_bpe, _normalizer, _preTokenizer, _decoder) = (parts.Bpe, parts.Normalizer, parts.PreTokenizer, parts.Decoder);
        AddedTokens = parts.AddedTokens;
        Merges = parts.Merges;
        Kind = parts.Kind;
        (BosId, EosId, PadId, UnkId, AddBos) = (parts.BosId, parts.EosId, parts.PadId, parts.UnkId, parts.AddBos);
        _splitter = new AddedTokenSplitter(AddedTokens);
        _addedByContent = AddedTokens.GroupBy(t => t.Content).ToDictionary(g => g.Key, g => g.First());
        _addedById = AddedTokens.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First());
    }

    /// <summary>Loads folder/tokenizer.json and, when present, folder/tokenizer_config.json.</summary>
    public static HfTokenizer Load(string folder)
    {
        var json = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(json))
            throw new InputException("no tokenizer.json in the model folder (only tokenizer.json BPE files are supported)", json);
        var config = Path.Combine(folder, "tokenizer_config.json");
        return FromFiles(json, File.Exists(config) ? config : null);
    }

    /// <summary>Loads a tokenizer.json and an optional tokenizer_config.json.</summary>
    public static HfTokenizer FromFiles(string tokenizerJson, string? tokenizerConfigJson)
    {
        using var doc = TokenizerJson.Read(tokenizerJson);
        using var config = tokenizerConfigJson is null ? null : TokenizerJson.Read(tokenizerConfigJson);
        return new HfTokenizer(HfTokenizerParts.Build(doc.RootElement, config?.RootElement, tokenizerJson));
    }

    /// <summary>Byte-level BPE or SentencePiece-BPE.</summary>
    public TokenizerKind Kind { get; }

    /// <inheritdoc />
    public int VocabSize => _tokens.Length;

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    public int EosId { get; }

    /// <summary>Padding id from tokenizer_config.json's pad_token, when set.</summary>
    public int? PadId { get; }

    /// <summary>The unknown token's id, when the model has one.</summary>
    public int? UnkId { get; }

    /// <summary>Whether the model expects BOS before the text (add_bos_token, else the post-processor's template).</summary>
    public bool AddBos { get; }

    /// <summary>Token text per id, in id order (GGUF tokenizer.ggml.tokens). Holes in the id space read "[PAD{id}]".</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>Kind per id, in id order (GGUF tokenizer.ggml.token_type).</summary>
    public IReadOnlyList<TokenKind> TokenKinds => _kinds;

    /// <summary>Merges in rank order as "left right" (GGUF tokenizer.ggml.merges).</summary>
    public IReadOnlyList<string> Merges { get; }

    /// <summary>The added tokens (special and not) in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>
    /// Scores for a SentencePiece ("llama") GGUF vocabulary, which tokenizer.json does not store: -id for normal
    /// tokens (SentencePiece BPE numbers pieces in merge order, best first) and 0 for the rest. Null for byte-level.
    /// </summary>
    public IReadOnlyList<float>? Scores => Kind == TokenizerKind.ByteLevelBpe ? null
        : _scores ??= Enumerable.Range(0, _tokens.Length).Select(i => _kinds[i] == TokenKind.Normal ? -(float)i : 0f).ToArray();

    /// <summary>The pre-tokenizer's word regex as written in tokenizer.json (e.g. Llama 3's or Qwen2's), when it has one.</summary>
    public string? SplitPattern => _preTokenizer.SplitPattern;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text, bool addBos = false, bool parseSpecial = true)
    {
        var ids = new List<int>(text.Length / 3 + 2);
        if (addBos && BosId is int bos) ids.Add(bos);
        foreach (var piece in _splitter.Split(text, parseSpecial))
        {
            if (piece.Token is not null)
            {
                ids.Add(piece.Token.Id);
                continue;
            }
            var normalized = _normalizer.Apply(piece.Text);
            foreach (var word in _preTokenizer.Apply(normalized, atTextStart: piece.Offset == 0)) _bpe.Encode(word, ids);
        }
        return ids;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids, bool skipSpecial = false)
    {
        var tokens = new List<(string, bool)>();
        foreach (var id in ids)
        {
            // Models pad their embedding past the tokenizer (Qwen2.5: 151,936 rows for 151,665 tokens); a sampled padding
            // row is no text, so it is skipped like a special token when those are skipped, and refused otherwise.
            if (skipSpecial && id >= _tokens.Length) continue;
            if ((uint)id >= (uint)_tokens.Length) throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id outside the vocabulary of {_tokens.Length}");
            if (_addedById.TryGetValue(id, out var added))
            {
                if (!(skipSpecial && added.Special)) tokens.Add((added.Content, true));
                continue;
            }
            tokens.Add((_tokens[id], false));
        }
        return _decoder.Decode(tokens);
    }

    /// <inheritdoc />
    public string TokenText(int id) => _tokens[id];

    /// <inheritdoc />
    public int? SpecialTokenId(string text) => _addedByContent.TryGetValue(text, out var t) ? t.Id : null;
}
