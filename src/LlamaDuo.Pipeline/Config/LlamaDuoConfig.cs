using LlamaDuo.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using LlamaDuo.Service.Synthesis;

namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// One migration, as read from a YAML file: every section is an immutable options record whose defaults live in code
/// (paper defaults where the paper gives one). The file holds overrides only; unknown keys and wrong types are errors
/// naming the key and the line. <see cref="ToYaml"/> writes the resolved config (all defaults filled in).
/// </summary>
public sealed record LlamaDuoConfig
{
    public TaskOptions Task { get; init; } = new();
    public DataOptions Data { get; init; } = new();
    public StudentOptions Student { get; init; } = new();
    public InferenceOptions Inference { get; init; } = new();
    public ServiceOptions Service { get; init; } = new();
    public JudgeOptions Judge { get; init; } = new();
    public SynthesisOptions Synthesis { get; init; } = new();
    public LoopOptions Loop { get; init; } = new();
    public ExportOptions Export { get; init; } = new();
    public StoreOptions Store { get; init; } = new();

    /// <summary>Name of the built-in student that is fetched into the cache rather than read from a path.</summary>
    public const string BuiltInStudent = "stories15m";

    /// <summary>
    /// Reads, checks and resolves a config file: relative <c>data.path</c> and student model paths become absolute,
    /// resolved against the config file's folder.
    /// </summary>
    public static LlamaDuoConfig Load(string path)
    {
        if (!File.Exists(path)) throw new InputException("config file not found; pass the path of a YAML config", path);
        var config = Parse(File.ReadAllText(path), path);
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var student = config.Student.Model;
        if (!string.Equals(student, BuiltInStudent, StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(student)
            && !LlamaDuo.Models.Hub.HfReference.IsReference(student))
            student = Path.GetFullPath(Path.Combine(baseDir, student));
        return config with
        {
            Data = LlamaDuo.Models.Hub.HfReference.IsReference(config.Data.Path) ? config.Data
                : config.Data with { Path = Path.GetFullPath(Path.Combine(baseDir, config.Data.Path)) },
            Student = config.Student with { Model = student },
        };
    }

    /// <summary>Parses and checks YAML text; <paramref name="file"/> is only used in error messages. Paths stay as written.</summary>
    public static LlamaDuoConfig Parse(string yaml, string file = "config.yaml")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new InputException($"not valid YAML: {e.Message}", file, (int)e.Start.Line, inner: e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this (without a position) on some malformed flow collections.
            throw new InputException($"not valid YAML ({e.Message}); look for an unclosed [ or {{", file, inner: e);
        }
        if (stream.Documents.Count > 1) throw new InputException("expected one YAML document, found several", file);
        if (stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root) ConfigAliases.Apply(root, file);
        var binder = new YamlConfigBinder(file);
        var config = binder.BindRoot<LlamaDuoConfig>(stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode);
        ConfigValidator.Check(config, file, binder.Lines);
        return config;
    }

    /// <summary>The resolved config as YAML: every key with its value, defaults included; <see cref="Parse"/> reads it back equal.</summary>
    public string ToYaml() => YamlConfigWriter.Write(this,
        "Resolved LlamaDuo config: every key with the value this run used (defaults filled in).\nSee docs/pipeline.md for what each key means.");

    /// <summary>Writes <see cref="ToYaml"/> to a file atomically.</summary>
    public void Save(string path) => LlamaDuo.Pipeline.Store.AtomicFile.WriteAllText(path, ToYaml());
}
