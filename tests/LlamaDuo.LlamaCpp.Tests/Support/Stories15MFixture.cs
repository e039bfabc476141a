using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Torch.Loading;

namespace LlamaDuo.LlamaCpp.Tests.Support;

/// <summary>stories15M loaded once per test class, with its GGUF exports written on first use into a temp folder.</summary>
public sealed class Stories15MFixture : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-stories-").FullName;
    readonly Dictionary<GgufQuant, string> _files = [];

    public StudentModel Model { get; } = ModelLoader.Load("stories15m");

    public string GgufPath(GgufQuant quant)
    {
        lock (_files)
        {
            if (!_files.TryGetValue(quant, out var path))
            {
                path = Path.Combine(_dir, $"stories15m-{quant.Name()}.gguf");
                StudentModelExport.ToGguf(Model, path, quant);
                _files[quant] = path;
            }
            return path;
        }
    }

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Test classes that share one loaded stories15M and its GGUF exports.</summary>
[CollectionDefinition(Name)]
public sealed class Stories15MCollection : ICollectionFixture<Stories15MFixture>
{
    public const string Name = "stories15m";
}
