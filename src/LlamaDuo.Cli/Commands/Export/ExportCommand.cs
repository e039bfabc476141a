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
/// `llamaduo export`: converts a model our loader reads into a deployable format, one of <see cref="ModelExport.All"/>
/// (the registry the loop's export stage writes from too); the request is checked before the model is loaded, so a
/// typo fails fast.
/// </summary>
internal sealed class ExportCommand : Command<ExportSettings>
{
    public override int Execute(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        var format = ModelExport.Find(settings.Format);
        var clock = Stopwatch.StartNew();
        settings = FromRun(settings);
        var request = new ExportRequest(settings.Out, settings.Quant, Name(settings), settings.Adapter);
        format.Check(request);
        using var model = ModelExport.LoadMerged(settings.Model, settings.Adapter, settings.Template);
        ModelExport.Write(model, format, request);
        if (format == ModelExport.Gguf) DescribeGguf(model, settings.Out, GgufQuants.Parse(settings.Quant));
        else Console.Out.WriteLine($"wrote {settings.Out}");
        Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds:F1} s]");
        return 0;
    }

    /// <summary>llama.cpp's quants mix tensor types (and fall back where rows are not whole blocks): show the mix.</summary>
    static void DescribeGguf(StudentModel model, string path, GgufQuant quant)
    {
        var file = GgufReader.Read(path);
        var size = new FileInfo(path).Length;
        var mix = string.Join(", ", file.Tensors.GroupBy(t => t.Type).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));
        Console.Out.WriteLine($"wrote {path}: GGUF v{file.Version}, {file.Metadata["general.architecture"]}, {quant.Name()}, " +
            $"{file.Tensors.Count} tensors ({mix}), {size / 1e6:F1} MB, template {model.Template.Name}");
    }

    /// <summary>With --run: the run's student and its best round's (<see cref="BestRound"/>) adapter or fully trained weights.</summary>
    static ExportSettings FromRun(ExportSettings s)
    {
        if (s.Run is null) return s;
        using var store = RunStore.Open(s.Run);
        var best = BestRound.Of(store.Rounds()) ?? throw new InputException("the run has no judged round yet; nothing to export", s.Run);
        var config = LlamaDuoConfig.Load(store.Folder.ConfigPath);
        var weights = TrainedWeights.Read(store.Folder, best.Round);
        Console.Error.WriteLine($"exporting round {best.Round} of {store.Folder.Root}");
        return new ExportSettings
        {
            Model = weights.ModelDir ?? config.Student.Model, Adapter = s.Adapter ?? weights.AdapterDir, Format = s.Format, Out = s.Out,
            Quant = s.Quant, Name = s.Name ?? config.Task.Name, Template = s.Template ?? config.Student.Template,
        };
    }

    static string Name(ExportSettings s) => s.Name ?? DefaultName(s.Model);

    /// <summary>"stories15m" stays itself; a path becomes its file or folder name without extension.</summary>
    static string DefaultName(string model) =>
        Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(model)) is { Length: > 0 } n ? n : model;
}
