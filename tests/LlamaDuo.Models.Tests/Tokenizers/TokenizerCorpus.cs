namespace LlamaDuo.Models.Tests.Tokenizers;

/// <summary>
/// Texts the tokenizers are compared on: hand-picked cases (English, code, numbers, whitespace runs, emoji, CJK,
/// accents, contractions, special tokens inline) plus deterministic random mixtures of fragments.
/// </summary>
internal static class TokenizerCorpus
{
    static readonly string[] HandPicked =
    [
        "Hello world", "Hello, world! How are you doing today?", "  two  spaces", "   leading and trailing   ",
        "tabs\tand\nnewlines\n\n\nthree", "\n", " ", "a", "The quick brown fox jumps over the lazy dog.",
        "def add(a, b):\n    return a + b\n", "for (int i = 0; i < 10; i++) { x += i; }", "if x == 3:\n\tprint('ok')",
        "1234567890", "3.14159 and 2,718,281", "Numbers: 1 22 333 4444 55555 666666", "Price: $1,299.99 (-15%)",
        "😀 emoji 🎉🎉 and 👨‍👩‍👧 family", "日本語のテキストです。", "中文测试：你好，世界！", "한국어 텍스트",
        "café naïve résumé Ångström", "Ünïcödé ß ẞ", "Привет, мир!", "مرحبا بالعالم", "¿Qué tal? ¡Bien!",
        "I'm sure they'll say it's fine, we've done it, you'd agree", "DON'T SHOUT IT'S LOUD",
        "<|im_start|>user\nHi<|im_end|>\n", "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
        "<s>[INST] Hi [/INST] Hello</s>", "<start_of_turn>user\nHi<end_of_turn>\n", "text <|endoftext|> more",
        "xml <tag attr=\"v\">body</tag>", "https://example.com/path?q=1&r=2#frag", "email: someone@example.org",
        "    indented code\n        deeper", "mixed\r\nline endings\r\n", new string('a', 300), string.Concat(Enumerable.Repeat("word ", 50)),
        "\u00a0nbsp\u3000ideographic space", "∑ ∫ √ ≠ ≤ ≥ π", "CamelCaseIdentifierName snake_case_name kebab-case-name",
        "Once upon a time, there was a little girl named Lily.", "A: yes\nQ: who?", "Zero-width\u200bjoiner",
        "“curly quotes” and ‘single’ — dash…", "\"quoted\" 'single' `tick`", "...!!!???", "a\n\n\n\n\nb", "x     y",
        "\U0001D400\U0001D401 bold math letters", "\U00020000\U00020001 CJK extension B", "x\U0001D7D9\U0001D7DA math digits",
    ];

    /// <summary>Texts that are not in NFC (Qwen's normalizer changes them, so they do not round-trip there).</summary>
    static readonly string[] Denormalized =
    [
        "e\u0301 combining", "A\u030A\u0301ngstrom \u212B", "\u1E0A\u0323 dot order", "Vie\u0323\u0302t Nam",
        "\u1100\u1161\u11A8 jamo", "\u0915\u093C excluded", "o\u0308\u0304 stacked",
    ];

    static readonly string[] Fragments =
    [
        "the", "The", "cat", "sat", "on", "mat", "tokenization", "unbelievable", "42", "1999", "3.5", "100,000",
        "😀", "🚀", "日本", "語", "中文", "é", "ü", "ß", "Ω", "—", "...", "!", "?", "(", ")", "{", "}", "=>", "==",
        "it's", "we'll", "'re", "don't", "x_1", "fooBar", "://", "#", "@", "$", "%", "\\n", "naïve", "über", "Ünï",
        "<|im_end|>", "<s>", "</s>", "<|eot_id|>", "<end_of_turn>", "   ", "\t", "\n", "\n\n", "  \n",
    ];

    static readonly string[] Separators = ["", " ", " ", " ", "  ", "\n", "\t", " \n"];

    /// <summary>Hand-picked cases followed by <paramref name="generated"/> random mixtures (seeded).</summary>
    public static IReadOnlyList<string> Texts(int generated = 150)
    {
        var texts = new List<string>(HandPicked.Concat(Denormalized));
        // Long stretches: SentencePiece-style files hand BPE a whole paragraph at once (the heap-based merge path).
        var story = string.Concat(Enumerable.Repeat("Once upon a time, there was a little girl named Lily. She loved to play outside. ", 12));
        texts.Add(story);
        texts.Add(story.Replace(" ", "  ") + "\n\n" + story.ToUpperInvariant());
        var random = new Random(1234);
        for (int i = 0; i < generated; i++)
        {
            int n = random.Next(1, 9);
            var parts = new List<string>();
            for (int j = 0; j < n; j++)
            {
                parts.Add(Fragments[random.Next(Fragments.Length)]);
                parts.Add(Separators[random.Next(Separators.Length)]);
            }
            texts.Add(string.Concat(parts));
        }
        return texts;
    }

    /// <summary>True when <paramref name="text"/> is in NFC and holds no special-token-like markup (exact round trips).</summary>
    public static bool IsPlain(string text) => !text.Contains('<') && !Denormalized.Contains(text);
}
