using LlamaDuo.Core.Data;
using LlamaDuo.Models.Templates;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Tests.Lora;

namespace LlamaDuo.Torch.Tests.Training;

/// <summary>A tiny random student (char tokenizer, plain template) and small datasets for trainer tests.</summary>
internal static class TinyStudent
{
    public static StudentModel Create(long seed = 7) =>
        new(TinyModels.Config(), TinyModels.Create(seed), new CharTokenizer(), PlainTemplate.Instance, "tiny-test");

    /// <summary>Rows "name? " -> "Xy" so there is something to learn; <paramref name="count"/> rows.</summary>
    public static List<ChatExample> Data(int count) =>
        Enumerable.Range(0, count)
            .Select(i => ChatExample.FromPair($"r{i}", $"who{i % 7} is here? ", $"ab{(char)('a' + i % 5)}"))
            .ToList();
}
