using System.Diagnostics;
using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Generation;
using LlamaDuo.Torch.Loading;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace LlamaDuo.Cli.Commands.Models;

/// <summary>`llamaduo generate`: prints a model's continuation of one prompt as it is produced.</summary>
internal sealed class GenerateCommand : Command<GenerateSettings>
{
    public override int Execute(CommandContext context, GenerateSettings settings, CancellationToken cancellationToken) =>
        settings.Engine switch
        {
            "llamacpp" => RunLlamaCpp(settings, cancellationToken),
            _ => RunTorch(settings, cancellationToken),
        };

    private static int RunTorch(GenerateSettings s, CancellationToken ct)
    {
        var dtype = s.DType == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
        var notes = new List<string>();
        using var model = ModelLoader.Load(s.Model, dtype, s.Template, Console.Error, notes);
        foreach (var note in notes) Console.Error.WriteLine($"note: {note}");
        if (s.Adapter is not null)
        {
            // Training area (H6): load the PEFT adapter and fold it into the weights, so decoding costs what the base does.
            var lora = LlamaDuo.Torch.Lora.LoraModel.MergeAdapter(model.Module, s.Adapter);
            Console.Error.WriteLine($"adapter: {s.Adapter} (r {lora.Rank}, alpha {lora.EffectiveAlpha}, {string.Join(",", lora.Targets)}) merged");
        }
        var client = new TorchChatClient(model);
        var prompt = client.RenderPrompt([ChatTurn.User(s.Prompt)]);
        var options = client.Resolve(null) with
        {
            MaxNewTokens = s.MaxTokens, Temperature = s.Temperature, TopP = s.TopP, TopK = s.TopK, Seed = s.Seed,
        };
        var clock = Stopwatch.StartNew();
        var result = client.Generator.Generate([prompt], options, d => { Console.Out.Write(d.Text); Console.Out.Flush(); }, ct).Single();
        Console.Out.WriteLine();
        Console.Error.WriteLine($"[{result.PromptTokens} prompt tokens, {result.CompletionTokens} generated, " +
            $"{result.CompletionTokens / clock.Elapsed.TotalSeconds:F1} tok/s incl. prefill, finish: {result.FinishReason.ToString().ToLowerInvariant()}]");
        return 0;
    }

    // ---- engine llamacpp: owned by the LlamaCpp area (H3). ----
    // A .gguf file runs as is; any other model is exported to a temporary fp32 GGUF first (same weights and template).
    // --adapter: a LoRA adapter GGUF is applied by llama.cpp at run time; a PEFT folder is converted to one first,
    // which needs the base's config, so only when the model is not itself a .gguf file.
    private static int RunLlamaCpp(GenerateSettings s, CancellationToken ct)
    {
        string? tempGguf = null, tempAdapter = null;
        try
        {
            var gguf = s.Model;
            var adapter = s.Adapter;
            bool peftAdapter = adapter is not null && !adapter.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);
            if (!s.Model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            {
                tempGguf = Path.Combine(Path.GetTempPath(), $"llamaduo-generate-{Guid.NewGuid():N}.gguf");
                var config = TorchGguf.Write(s.Model, tempGguf, name: null, s.Template, Console.Error);
                gguf = tempGguf;
                if (peftAdapter)
                {
                    tempAdapter = Path.Combine(Path.GetTempPath(), $"llamaduo-generate-lora-{Guid.NewGuid():N}.gguf");
                    LlamaDuo.LlamaCpp.Export.LoraGgufExport.Export(adapter!, config, tempAdapter);
                    adapter = tempAdapter;
                }
            }
            else if (peftAdapter)
                throw new InputException("with a .gguf model, --adapter must be a LoRA adapter GGUF; convert the PEFT folder with " +
                    "`llamaduo export --model BASE --format lora-gguf --adapter DIR --out ADAPTER.gguf`", field: "--adapter", value: adapter);
            if (adapter is not null) Console.Error.WriteLine($"adapter: {s.Adapter} (LoRA GGUF applied by llama.cpp at run time)");
            var template = s.Template is null ? null : LlamaDuo.Models.Templates.ChatTemplates.ByName(s.Template);
            using var client = LlamaDuo.LlamaCpp.Engine.LlamaCppChatClient.Open(gguf, template, adapter);
            var options = new Microsoft.Extensions.AI.ChatOptions
            {
                MaxOutputTokens = s.MaxTokens, Temperature = s.Temperature, TopP = s.TopP, TopK = s.TopK, Seed = s.Seed,
            };
            var clock = Stopwatch.StartNew();
            Microsoft.Extensions.AI.UsageDetails? usage = null;
            string finish = "stop";
            var updates = client.GetStreamingResponseAsync([new(Microsoft.Extensions.AI.ChatRole.User, s.Prompt)], options, ct);
            foreach (var update in updates.ToBlockingEnumerable(ct))
            {
                Console.Out.Write(update.Text);
                Console.Out.Flush();
                usage = update.Contents.OfType<Microsoft.Extensions.AI.UsageContent>().FirstOrDefault()?.Details ?? usage;
                if (update.FinishReason is { } reason) finish = reason.Value;
            }
            Console.Out.WriteLine();
            long generated = usage?.OutputTokenCount ?? 0;
            Console.Error.WriteLine($"[llama.cpp: {usage?.InputTokenCount} prompt tokens, {generated} generated, " +
                $"{generated / clock.Elapsed.TotalSeconds:F1} tok/s incl. prefill, finish: {finish}]");
            return 0;
        }
        finally
        {
            if (tempGguf is not null && File.Exists(tempGguf)) File.Delete(tempGguf);
            if (tempAdapter is not null && File.Exists(tempAdapter)) File.Delete(tempAdapter);
        }
    }
}
