using System.Text.Json;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>Everything <see cref="HfTokenizer"/> is built from, read out of tokenizer.json and tokenizer_config.json.</summary>
internal sealed record HfTokenizerParts(
    string[] Tokens, TokenKind[] Kinds, BpeModel Bpe, TextNormalizer Normalizer, PreTokenizer PreTokenizer,
    TokenDecoder Decoder, IReadOnlyList<AddedToken> AddedTokens, IReadOnlyList<string> Merges, TokenizerKind Kind,
    int? BosId, int EosId, int? PadId, int? UnkId, bool AddBos)
{
    public static HfTokenizerParts Build(JsonElement root, JsonElement? config, string file)
    {
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new InputException("no \"model\" object", file, field: "model");
        var modelType = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (modelType is not ("BPE" or null))
            throw new InputException("only BPE tokenizers are supported", file, field: "model.type", value: modelType);
        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (TokenizerJson.Optional(model, affix) is { } v && !string.IsNullOrEmpty(v.GetString()))
                throw new InputException("BPE word affixes are not supported", file, field: "model." + affix, value: v.GetString());

        var vocab = TokenizerJson.Vocab(model, file);
        var merges = TokenizerJson.Merges(model, file);
        var added = TokenizerJson.AddedTokens(root);
        bool byteFallback = Bool(model, "byte_fallback");
        var unkToken = TokenizerJson.Optional(model, "unk_token")?.GetString();
        var bpe = new BpeModel(vocab, merges, byteFallback, unkToken, Bool(model, "fuse_unk"), Bool(model, "ignore_merges"));

        var normalizer = TextNormalizer.Parse(TokenizerJson.Optional(root, "normalizer"), file);
        var pre = PreTokenizer.Parse(TokenizerJson.Optional(root, "pre_tokenizer"), file);
        var decoderSpec = TokenizerJson.Optional(root, "decoder");
        var decoder = TokenDecoder.Parse(decoderSpec, file);
        bool byteLevel = pre.IsByteLevel || decoderSpec?.GetProperty("type").GetString() == "ByteLevel";
        var kind = byteLevel ? TokenizerKind.ByteLevelBpe : TokenizerKind.SentencePieceBpe;

        int size = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max() + 1, added.Count == 0 ? 0 : added.Max(a => a.Id) + 1);
        var tokens = new string[size];
        var kinds = new TokenKind[size];
        foreach (var (text, id) in vocab)
        {
            tokens[id] = text;
            kinds[id] = text == unkToken ? TokenKind.Unknown
                : byteFallback && TokenDecoder.IsByteToken(text) ? TokenKind.Byte : TokenKind.Normal;
        }
        foreach (var a in added)
        {
            tokens[a.Id] = a.Content;
            kinds[a.Id] = a.Content == unkToken ? TokenKind.Unknown : a.Special ? TokenKind.Control : TokenKind.UserDefined;
        }
        for (int i = 0; i < size; i++)
        {
            if (tokens[i] is not null) continue;
            tokens[i] = $"[PAD{i}]";
            kinds[i] = TokenKind.Unused;
        }

        int? Lookup(string? text) => text is null ? null
            : added.FirstOrDefault(a => a.Content == text)?.Id ?? (vocab.TryGetValue(text, out var id) ? id : null);

        var templateBos = TemplateBos(TokenizerJson.Optional(root, "post_processor"));
        var bosText = TokenizerJson.ConfigToken(config, "bos_token") ?? (config is null ? templateBos : null);
        var eosText = TokenizerJson.ConfigToken(config, "eos_token");
        int? eos = Lookup(eosText)
            ?? new[] { "</s>", "<|endoftext|>", "<|end_of_text|>", "<eos>" }.Select(Lookup).FirstOrDefault(i => i is not null);
        if (eos is null)
            throw new InputException("cannot tell the end-of-sequence token: set eos_token in tokenizer_config.json", file, field: "eos_token", value: eosText);
        bool addBos = TokenizerJson.ConfigBool(config, "add_bos_token") ?? templateBos is not null;
        var mergeTexts = merges.Select(m => m.Item1 + " " + m.Item2).ToList();
        return new HfTokenizerParts(tokens, kinds, bpe, normalizer, pre, decoder, added, mergeTexts, kind,
            Lookup(bosText), eos.Value, Lookup(TokenizerJson.ConfigToken(config, "pad_token")),
            unkToken is null ? null : Lookup(unkToken), addBos);
    }

    /// <summary>The special token a TemplateProcessing post-processor puts before a single sequence, if any.</summary>
    static string? TemplateBos(JsonElement? post)
    {
        if (post is not { } p) return null;
        var type = p.GetProperty("type").GetString();
        if (type == "Sequence" && p.TryGetProperty("processors", out var list))
            return list.EnumerateArray().Select(x => TemplateBos(x)).FirstOrDefault(x => x is not null);
        if (type != "TemplateProcessing" || !p.TryGetProperty("single", out var single) || single.GetArrayLength() == 0) return null;
        return single[0].TryGetProperty("SpecialToken", out var st) ? st.GetProperty("id").GetString() : null;
    }

    static bool Bool(JsonElement obj, string key) => obj.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;
}
