using LlamaDuo.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// Shorthand spellings rewritten onto the canonical keys before binding. <c>train:</c> is the trainer's section as
/// other tools (and our issue tracker) write it: <c>train.backend</c> and <c>train.external</c> mean
/// <c>student.backend</c> and <c>student.external</c>, every other <c>train.*</c> key means
/// <c>student.training.*</c>. The moved nodes keep their line numbers; the resolved config uses the canonical keys.
/// </summary>
internal static class ConfigAliases
{
    static readonly string[] StudentKeys = ["backend", "external"];

    public static void Apply(YamlMappingNode root, string file)
    {
        var trainKey = root.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value == "train");
        if (trainKey is null) return;
        var line = (int)trainKey.Start.Line;
        if (root.Children[trainKey] is not YamlMappingNode train)
            throw new InputException("'train' must be a mapping, like train: {backend: external}", file, line, "train");
        root.Children.Remove(trainKey);
        var student = Section(root, "student", file, line);
        var training = Section(student, "training", file, line);
        foreach (var (key, value) in train.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? throw new InputException("a key must be plain text", file, (int)key.Start.Line, "train");
            var target = StudentKeys.Contains(name) ? student : training;
            var canonical = StudentKeys.Contains(name) ? $"student.{name}" : $"student.training.{name}";
            if (target.Children.ContainsKey(new YamlScalarNode(name)))
                throw new InputException($"'train.{name}' and '{canonical}' are the same key; set it once", file, (int)key.Start.Line, $"train.{name}");
            target.Children.Add(key, value);
        }
    }

    static YamlMappingNode Section(YamlMappingNode parent, string name, string file, int line)
    {
        if (parent.Children.TryGetValue(new YamlScalarNode(name), out var node))
            return node as YamlMappingNode ?? throw new InputException($"'{name}' must be a mapping to combine it with 'train'", file, line, name);
        var section = new YamlMappingNode();
        parent.Children.Add(new YamlScalarNode(name), section);
        return section;
    }
}
