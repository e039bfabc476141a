using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.Models.Templates;
using LlamaDuo.Server;
using LlamaDuo.Torch.Generation;
using LlamaDuo.Torch.Loading;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Cli.Commands.Serve;

/// <summary>Loads a model on the torch or llama.cpp engine as a <see cref="ServedModel"/>.</summary>
internal static class ServeEngines
{
    /// <summary>Slot length cap: a long-context model times N slots would otherwise reserve a very large KV cache.</summary>
    const int MaxSlotLength = 4096;

    /// <summary>Loads for one generation at a time (one batch slot on llama.cpp).</summary>
    public static Task<LoadedEngine> LoadAsync(string model, string engine, string? name, CancellationToken ct) =>
        LoadAsync(model, engine, name, parallel: 1, batch: true, ct);

    /// <summary>
    /// <paramref name="engine"/> "llamacpp": a .gguf file is loaded as is; any other model (stories15m, a llama2.c
    /// .bin, an HF folder) is loaded by our loader and exported to a temporary fp32 GGUF first, in a
    /// <see cref="ServeTempFolder"/> (deleted on dispose; one a killed server left is deleted by the next one).
    /// With <paramref name="batch"/>, chat and raw completions share one <see cref="LlamaCppBatchScheduler"/> of
    /// <paramref name="parallel"/> slots (concurrent requests decode together); without, each request opens its own
    /// context. "torch": our TorchSharp model through <see cref="TorchChatClient"/> (one generation at a time inside it).
    /// </summary>
    public static Task<LoadedEngine> LoadAsync(string model, string engine, string? name, int parallel, bool batch, CancellationToken ct) => engine switch
    {
        "llamacpp" => Task.Run(() => LoadLlamaCpp(model, name, batch ? parallel : 0), ct),
        "torch" => Task.Run(() => LoadTorch(model, name), ct),
        _ => throw new InputException("unknown engine; use llamacpp or torch", field: "--engine", value: engine),
    };

    /// <summary><paramref name="slots"/> 0: a context per request; otherwise a shared batch of that many sequences.</summary>
    static LoadedEngine LoadLlamaCpp(string model, string? name, int slots)
    {
        ServeTempFolder? temp = null;
        var gguf = model;
        try
        {
            if (!model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            {
                temp = ServeTempFolder.Create();
                gguf = Path.Combine(temp.Path, "model.gguf");
                TorchGguf.Write(model, gguf, name ?? DefaultName(model));
            }
            var llama = LlamaCppModel.Load(gguf);
            // The exact (fp32) cache only buys batched-equals-alone sampling; one slot is always alone, so it keeps the faster default.
            var scheduler = slots > 0 ? new LlamaCppBatchScheduler(llama, slots, Math.Min(llama.TrainedContextLength, MaxSlotLength), exactCache: slots > 1) : null;
            var chat = new LlamaCppChatClient(llama, scheduler: scheduler);
            // Raw completions continue the prompt as written: the same weights (and batch) with the plain template.
            var raw = new LlamaCppChatClient(llama, ChatTemplates.Plain, scheduler: scheduler);
            var context = scheduler?.SlotLength ?? llama.TrainedContextLength;
            var served = new ServedModel(name ?? DefaultName(model), chat)
            {
                Completion = raw,
                ContextLength = context,
                MaxPromptChars = ServedModel.PromptCharacterBound(context, llama.LongestTokenBytes()),
                CountChatTokens = messages => llama.Tokenize(chat.RenderPrompt(messages), llama.AddsBos).Count,
                CountTextTokens = text => llama.Tokenize(text, addBos: false, parseSpecial: false).Count,
            };
            return new LoadedEngine(served, new Cleanup(llama, temp, scheduler));
        }
        catch
        {
            temp?.Dispose();
            throw;
        }
    }

    static LoadedEngine LoadTorch(string model, string? name)
    {
        if (model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            throw new InputException("a GGUF file runs on llama.cpp; use --engine llamacpp", model, field: "--engine", value: "torch");
        var student = ModelLoader.Load(model);
        var chat = new TorchChatClient(student);
        // Raw completions continue the prompt as written: the same module seen through the plain template.
        var plain = student.Template.Name == ChatTemplates.Plain.Name ? null
            : new StudentModel(student.Config, student.Module, student.Tokenizer, ChatTemplates.Plain, student.Source, student.StopTokenIds);
        var raw = plain is null ? null : new TorchChatClient(plain);
        var served = new ServedModel(name ?? DefaultName(model), chat)
        {
            Completion = raw,
            ContextLength = student.ContextLength,
            // The raw vocabulary entry is at least as long as the text it stands for (a byte-level piece has one
            // character per byte, a byte-fallback piece is "<0xNN>").
            MaxPromptChars = ServedModel.PromptCharacterBound(student.ContextLength,
                Enumerable.Range(0, student.Tokenizer.VocabSize).Max(id => student.Tokenizer.TokenText(id).Length)),
            CountChatTokens = messages => chat.Generator.Encode(chat.RenderPrompt(messages.Select(m => new ChatTurn(m.Role.Value, m.Text)))).Count,
            CountTextTokens = text => (raw ?? chat).Generator.Encode(text).Count,
        };
        return new LoadedEngine(served, student);
    }

    /// <summary>"stories15m" stays itself; a path becomes its file or folder name without extension.</summary>
    public static string DefaultName(string model) =>
        Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(model)) is { Length: > 0 } n ? n : model;

    sealed class Cleanup(IDisposable engine, ServeTempFolder? temp, IDisposable? scheduler = null) : IDisposable
    {
        public void Dispose()
        {
            scheduler?.Dispose(); // its context before the weights it uses
            engine.Dispose();
            temp?.Dispose();
        }
    }
}
