using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.Models.Tests.Tokenizers;

/// <summary>Behaviour of <see cref="HfTokenizer"/> that needs no reference: specials, export data, bad files.</summary>
public sealed class HfTokenizerTests
{
    [Fact]
    public void Special_tokens_are_text_when_not_parsed()
    {
        var tokenizer = ReferenceTokenizers.Load("qwen3");
        int imEnd = tokenizer.SpecialTokenId("<|im_end|>")!.Value;
        Assert.Contains(imEnd, tokenizer.Encode("Hi<|im_end|>", parseSpecial: true));
        var asText = tokenizer.Encode("Hi<|im_end|>", parseSpecial: false);
        Assert.DoesNotContain(imEnd, asText);
        Assert.Equal("Hi<|im_end|>", tokenizer.Decode(asText));
        Assert.Equal("Hi", tokenizer.Decode(tokenizer.Encode("Hi<|im_end|>"), skipSpecial: true));
    }

    [Fact]
    public void Padding_ids_past_the_vocabulary_are_skipped_with_special_tokens_and_refused_otherwise()
    {
        // Qwen2.5's embedding has 151,936 rows for 151,665 tokens: a sampled padding row is no text.
        var tokenizer = ReferenceTokenizers.Load("qwen3");
        var ids = tokenizer.Encode("Hi there").Append(151_695).ToList();
        Assert.Equal("Hi there", tokenizer.Decode(ids, skipSpecial: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode(ids));
    }

    [Fact]
    public void Byte_level_tokenizer_exposes_its_gguf_vocabulary()
    {
        var tokenizer = ReferenceTokenizers.Load("llama3");
        Assert.Equal(TokenizerKind.ByteLevelBpe, tokenizer.Kind);
        Assert.Equal(128256, tokenizer.VocabSize);
        Assert.Equal(tokenizer.VocabSize, tokenizer.Tokens.Count);
        Assert.Equal("<|begin_of_text|>", tokenizer.TokenText(tokenizer.BosId!.Value));
        Assert.Equal(TokenKind.Control, tokenizer.TokenKinds[tokenizer.BosId.Value]);
        Assert.Equal("Ġ Ġ", tokenizer.Merges[0]);
        Assert.Equal(280147, tokenizer.Merges.Count);
        Assert.Null(tokenizer.Scores);
        Assert.Contains(@"\p{N}{1,3}", tokenizer.SplitPattern);
        Assert.All(tokenizer.TokenKinds.Take(128000), k => Assert.Equal(TokenKind.Normal, k));
    }

    [Fact]
    public void SentencePiece_tokenizer_exposes_byte_tokens_and_scores()
    {
        var tokenizer = ReferenceTokenizers.Load("llama2");
        Assert.Equal(TokenizerKind.SentencePieceBpe, tokenizer.Kind);
        Assert.Equal(32000, tokenizer.VocabSize);
        Assert.Equal((0, 1, 2), (tokenizer.UnkId, tokenizer.BosId, tokenizer.EosId));
        Assert.True(tokenizer.AddBos);
        Assert.Equal(TokenKind.Unknown, tokenizer.TokenKinds[0]);
        Assert.Equal(TokenKind.Control, tokenizer.TokenKinds[1]);
        Assert.Equal("<0x0A>", tokenizer.TokenText(3 + 0x0A));
        Assert.All(Enumerable.Range(3, 256), id => Assert.Equal(TokenKind.Byte, tokenizer.TokenKinds[id]));
        Assert.Equal(TokenKind.Normal, tokenizer.TokenKinds[259]);
        var scores = tokenizer.Scores!;
        Assert.True(scores[300] > scores[301]);
    }

    [Fact]
    public void Characters_missing_from_the_vocabulary_fall_back_to_bytes()
    {
        var tokenizer = ReferenceTokenizers.Load("llama2");
        var ids = tokenizer.Encode("\U0001F9A9");   // a flamingo: no piece in a 32k vocabulary
        Assert.All(ids.Skip(1), id => Assert.Equal(TokenKind.Byte, tokenizer.TokenKinds[id]));
        Assert.Equal("\U0001F9A9", tokenizer.Decode(ids));
    }

    [Fact]
    public void Load_reads_a_model_folder_and_its_config()
    {
        var folder = NodeReference.ModelFolder("qwen3");
        var tokenizer = HfTokenizer.Load(folder);
        Assert.Null(tokenizer.BosId);
        Assert.Equal("<|im_end|>", tokenizer.TokenText(tokenizer.EosId));
        Assert.Equal("<|endoftext|>", tokenizer.TokenText(tokenizer.PadId!.Value));
        Assert.False(tokenizer.AddBos);
    }

    [Fact]
    public void A_folder_without_tokenizer_json_is_an_input_error_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("llamaduo-tok-").FullName;
        var e = Assert.Throws<InputException>(() => HfTokenizer.Load(folder));
        Assert.Contains(Path.Combine(folder, "tokenizer.json"), e.Message);
    }

    [Fact]
    public void An_unsupported_model_type_is_an_input_error()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("llamaduo-tok-").FullName, "tokenizer.json");
        File.WriteAllText(file, """{"model": {"type": "WordPiece", "vocab": {"a": 0}}}""");
        var e = Assert.Throws<InputException>(() => HfTokenizer.FromFiles(file, null));
        Assert.Contains("WordPiece", e.Message);
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public void A_tiny_byte_level_file_merges_by_rank()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("llamaduo-tok-").FullName, "tokenizer.json");
        File.WriteAllText(file, """
            {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "bb": 3, "abb": 4, "Ġ": 5},
                       "merges": ["b b", "a b", "a bb"]},
             "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
             "decoder": {"type": "ByteLevel"},
             "added_tokens": [{"id": 6, "content": "</s>", "special": true}]}
            """);
        var tokenizer = HfTokenizer.FromFiles(file, null);
        Assert.Equal([4], tokenizer.Encode("abb"));          // "b b" (rank 0) first, then "a bb"
        Assert.Equal([2, 2], tokenizer.Encode("abab"));
        Assert.Equal([2, 6], tokenizer.Encode("ab</s>"));
        Assert.Equal(6, tokenizer.EosId);
    }
}
