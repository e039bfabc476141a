using System.Diagnostics;
using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;
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
    };

    public override int Execute(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        var format = settings.Format.ToLowerInvariant();
        if (!Formats.TryGetValue(format, out var exporter))
            throw new InputException($"unknown export format; this build writes: {string.Join(", ", Formats.Keys)}", field: "--format", value: settings.Format);
        exporter.Check(settings);
        var clock = Stopwatch.StartNew();
        using var model = ModelLoader.Load(settings.Model, templateOverride: settings.Template, log: Console.Error);
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
        Console.Out.WriteLine($"wrote {s.Out}: GGUF v{file.Version}, {file.Metadata["general.architecture"]}, {quant.Name()}, " +
            $"{file.Tensors.Count} tensors, {size / 1e6:F1} MB, template {model.Template.Name}");
    }

    /// <summary>"stories15m" stays itself; a path becomes its file or folder name without extension.</summary>
    static string DefaultName(string model) =>
        Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(model)) is { Length: > 0 } n ? n : model;
}
