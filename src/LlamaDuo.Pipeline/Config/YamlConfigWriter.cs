using System.Collections;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// Writes an options record tree as YAML with every key present, in the same spelling the binder reads, so a
/// written config loads back to an equal one. Strings are always quoted so "null" or "42" stay text.
/// </summary>
internal static class YamlConfigWriter
{
    public static string Write(object root, string? headerComment = null)
    {
        var stream = new YamlStream(new YamlDocument(ToNode(root)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        if (headerComment is not null)
            foreach (var line in headerComment.Split('\n')) writer.WriteLine($"# {line}");
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream ends a document with "...": harmless, but noise for a human reading the run folder.
        return text.EndsWith("...\n") ? text[..^4] : text.EndsWith("...\r\n") ? text[..^5] : text;
    }

    static YamlNode ToNode(object? value) => value switch
    {
        null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        string s => new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted },
        bool b => Plain(b ? "true" : "false"),
        int or long => Plain(Convert.ToString(value, CultureInfo.InvariantCulture)!),
        double d => Plain(d.ToString("R", CultureInfo.InvariantCulture)),
        Enum e => Plain(ConfigNames.EnumText(e)),
        IEnumerable list => Sequence(list),
        _ => Mapping(value),
    };

    static YamlScalarNode Plain(string text) => new(text) { Style = ScalarStyle.Plain };

    static YamlSequenceNode Sequence(IEnumerable list)
    {
        var node = new YamlSequenceNode { Style = SequenceStyle.Flow };
        foreach (var item in list) node.Add(ToNode(item));
        return node;
    }

    static YamlMappingNode Mapping(object record)
    {
        var node = new YamlMappingNode();
        foreach (var (key, property) in ConfigNames.Keys(record.GetType()))
            node.Add(new YamlScalarNode(key), ToNode(property.GetValue(record)));
        return node;
    }
}
