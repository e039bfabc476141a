using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.Torch.Tests.Training;

/// <summary>One token per character (ids 3..60), BOS 1, EOS 2: a tokenizer whose boundaries tests can predict (Decode is not its inverse).</summary>
internal sealed class CharTokenizer : ITokenizer
{
    public int VocabSize => 61;
    public int? BosId => 1;
    public int EosId => 2;

    public IReadOnlyList<int> Encode(string text, bool addBos = false, bool parseSpecial = true)
    {
        var ids = new List<int>();
        if (addBos) ids.Add(1);
        ids.AddRange(text.Select(c => 3 + c % 58));
        return ids;
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecial = false) =>
        string.Concat(ids.Where(i => i > 2).Select(i => (char)('0' + (i - 3))));

    public string TokenText(int id) => id.ToString();

    public int? SpecialTokenId(string text) => null;
}
