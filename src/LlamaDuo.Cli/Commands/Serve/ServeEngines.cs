using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Server;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Templates;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Cli.Commands.Serve;

/// <summary>Loads a model on the torch or llama.cpp engine as a <see cref="ServedModel"/>.</summary>
public static class ServeEngines
{
    /// <summary>
    /// <paramref name="engine"/> "llamacpp": a .gguf file is loaded as is; any other model (stories15m, a llama2.c
    /// .bin, an HF folder) is loaded by our loader and exported to a temporary fp32 GGUF first (deleted on dispose).
    /// </summary>
    public static Task<LoadedEngine> LoadAsync(string model, string engine, string? name, CancellationToken ct) => engine switch
    {
        "llamacpp" => Task.Run(() => LoadLlamaCpp(model, name), ct),
        "torch" => throw new InputException("the torch engine is not wired into `serve` in this build yet; use --engine llamacpp",
            field: "--engine", value: engine),
        _ => throw new InputException("unknown engine; use llamacpp or torch", field: "--engine", value: engine),
    };

    static LoadedEngine LoadLlamaCpp(string model, string? name)
    {
        string? tempGguf = null;
        var gguf = model;
        if (!model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            tempGguf = Path.Combine(Path.GetTempPath(), $"llamaduo-serve-{Guid.NewGuid():N}.gguf");
            using var student = ModelLoader.Load(model);
            StudentModelExport.ToGguf(student, tempGguf, GgufQuant.F32, name ?? DefaultName(model));
            gguf = tempGguf;
        }
        try
        {
            var llama = LlamaCppModel.Load(gguf);
            var chat = new LlamaCppChatClient(llama);
            // Raw completions continue the prompt as written: the same weights with the plain template.
            var raw = new LlamaCppChatClient(llama, ChatTemplates.Plain);
            var served = new ServedModel(name ?? DefaultName(model), chat)
            {
                Completion = raw,
                ContextLength = llama.TrainedContextLength,
                CountChatTokens = messages => llama.Tokenize(chat.RenderPrompt(messages), llama.AddsBos).Count,
                CountTextTokens = text => llama.Tokenize(text, addBos: false, parseSpecial: false).Count,
            };
            return new LoadedEngine(served, new Cleanup(llama, tempGguf));
        }
        catch
        {
            if (tempGguf is not null) File.Delete(tempGguf);
            throw;
        }
    }

    /// <summary>"stories15m" stays itself; a path becomes its file or folder name without extension.</summary>
    public static string DefaultName(string model) =>
        Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(model)) is { Length: > 0 } n ? n : model;

    sealed class Cleanup(IDisposable engine, string? tempFile) : IDisposable
    {
        public void Dispose()
        {
            engine.Dispose();
            if (tempFile is not null && File.Exists(tempFile)) File.Delete(tempFile);
        }
    }
}
