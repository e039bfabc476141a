using System.Diagnostics;
using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Export;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Torch.Loading;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Export;

/// <summary>
/// `llamaduo export`: converts a model our loader reads into a deployable format. Each format is one entry of
/// <see cref="Formats"/>; options are checked before the model is loaded, so a typo fails fast.
/// </summary>
public sealed class ExportCommand : Command<ExportSettings>
{
    /// <summary>Formats this build writes, each a check of the options and a writer.</summary>
    static readonly Dictionary<string, (Action<ExportSettings> Check, Action<StudentModel, ExportSettings> Write)> Formats = new()
    {
        ["gguf"] = (s => GgufQuants.Parse(s.Quant), WriteGguf),
        ["safetensors"] = (_ => { }, (m, s) => Report(ModelExport.Write(m, "safetensors", s.Out, s.Quant, Name(s), null))),
        ["peft"] = (s => { if (s.Adapter is null && s.Run is null) throw new InputException("--format peft needs --adapter DIR or --run DIR", field: "--adapter"); },
            (m, s) => Report(ModelExport.Write(m, "peft", s.Out, s.Quant, Name(s), s.Adapter))),
        ["ollama"] = (s => GgufQuants.Parse(s.Quant), (m, s) => Report(ModelExport.Write(m, "ollama", s.Out, s.Quant, Name(s), null))),
        // The adapter alone, for llama.cpp to apply on top of the base GGUF at run time (`generate --engine llamacpp --adapter`).
        ["lora-gguf"] = (s => { if ((s.Adapter is null && s.Run is null) || GgufQuants.Parse(s.Quant) is not (GgufQuant.F32 or GgufQuant.F16)) throw new InputException("--format lora-gguf needs --adapter DIR (or --run DIR) and --quant f32 or f16", field: "--adapter"); },
            (m, s) => { LoraGgufExport.Export(s.Adapter ?? throw new InputException("the best round has no LoRA adapter (full fine-tuning); use --format gguf", s.Run), m.Config, s.Out, GgufQuants.Parse(s.Quant).TensorType(), s.Name); Report(s.Out); }),
    };

    public override int Execute(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        var format = settings.Format.ToLowerInvariant();
        if (!Formats.TryGetValue(format, out var exporter))
            throw new InputException($"unknown export format; this build writes: {string.Join(", ", Formats.Keys)}", field: "--format", value: settings.Format);
        exporter.Check(settings);
        var clock = Stopwatch.StartNew();
        settings = FromRun(settings);
        using var model = ModelExport.LoadMerged(settings.Model, settings.Adapter, settings.Template);
        exporter.Write(model, settings);
        Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds:F1} s]");
        return 0;
    }

    static void WriteGguf(StudentModel model, ExportSettings s)
    {
        var quant = GgufQuants.Parse(s.Quant);
        var name = s.Name ?? DefaultName(s.Model);
        StudentModelExport.ToGguf(model, s.Out, quant, name);
        var file = GgufReader.Read(s.Out);
        var size = new FileInfo(s.Out).Length;
        // llama.cpp's quants mix tensor types (and fall back where rows are not whole blocks): show the mix.
        var mix = string.Join(", ", file.Tensors.GroupBy(t => t.Type).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));
        Console.Out.WriteLine($"wrote {s.Out}: GGUF v{file.Version}, {file.Metadata["general.architecture"]}, {quant.Name()}, " +
            $"{file.Tensors.Count} tensors ({mix}), {size / 1e6:F1} MB, template {model.Template.Name}");
    }

    /// <summary>With --run: the run's student and its best round's adapter (or fully trained weights).</summary>
    static ExportSettings FromRun(ExportSettings s)
    {
        if (s.Run is null) return s;
        using var store = RunStore.Open(s.Run);
        var best = store.Rounds().OrderByDescending(r => (r.Similarity?.Mean ?? 0) + (r.Precision?.Mean ?? 0)).FirstOrDefault()
            ?? throw new InputException("the run has no judged round yet; nothing to export", s.Run);
        var config = LlamaDuoConfig.Load(store.Folder.ConfigPath);
        var weights = TrainStage.Read(store.Folder.RoundFile(best.Round, "train"));
        Console.Error.WriteLine($"exporting round {best.Round} of {store.Folder.Root}");
        return new ExportSettings
        {
            Model = weights.ModelDir ?? config.Student.Model, Adapter = s.Adapter ?? weights.AdapterDir, Format = s.Format, Out = s.Out,
            Quant = s.Quant, Name = s.Name ?? config.Task.Name, Template = s.Template ?? config.Student.Template,
        };
    }

    static string Name(ExportSettings s) => s.Name ?? DefaultName(s.Model);

    static void Report(string path) => Console.Out.WriteLine($"wrote {path}");

    /// <summary>"stories15m" stays itself; a path becomes its file or folder name without extension.</summary>
    static string DefaultName(string model) =>
        Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(model)) is { Length: > 0 } n ? n : model;
}
