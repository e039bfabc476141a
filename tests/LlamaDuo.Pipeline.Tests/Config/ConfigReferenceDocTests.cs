using System.Text.RegularExpressions;
using LlamaDuo.Pipeline.Config;
using YamlDotNet.RepresentationModel;

namespace LlamaDuo.Pipeline.Tests.Config;

/// <summary>
/// docs/pipeline.md's "Config reference" tables against the config the binder reads, both ways: every documented key
/// is a key of the resolved config (which the writer lists with the binder's own names), every key there has a row,
/// and each row's default is the value a config without overrides resolves to.
/// </summary>
public class ConfigReferenceDocTests
{
    static readonly Regex Row = new(@"^\|\s*`(?<key>[a-z0-9_.]+)`\s*\|\s*(?<default>[^|]*?)\s*\|");

    [Fact]
    public void Every_documented_key_is_bound_and_every_bound_key_is_documented()
    {
        var documented = DocumentedKeys().Keys.ToHashSet();
        var (leaves, sections) = Keys(Resolved(withSecondJudge: true));

        Assert.Empty(documented.Where(k => !leaves.ContainsKey(k) && !sections.Contains(k)).Order()); // documented, bound by nothing
        Assert.Empty(leaves.Keys.Where(k => !documented.Contains(k)).Order());                       // bound, without a row
    }

    [Fact]
    public void Every_documented_default_is_the_resolved_default()
    {
        var plain = Keys(Resolved(withSecondJudge: false)).Leaves;
        // A section that defaults to null (judge.second_judge) has its keys' defaults from the section's own record.
        var filled = Keys(Resolved(withSecondJudge: true)).Leaves;
        var wrong = new List<string>();
        foreach (var (key, documented) in DocumentedKeys())
        {
            if (documented == "(required)") continue;
            string? actual;
            if (plain.TryGetValue(key, out var p)) actual = p;
            else if (filled.TryGetValue(key, out var f)) actual = f;
            else continue; // not a key: the other test says so
            if (Normalise(documented) != actual) wrong.Add($"{key}: documented {documented}, resolved {actual}");
        }
        Assert.Empty(wrong);
    }

    /// <summary>Dotted key to its default cell, from every table under "## Config reference".</summary>
    static Dictionary<string, string> DocumentedKeys()
    {
        var keys = new Dictionary<string, string>();
        string? section = null;
        bool inReference = false;
        foreach (var line in File.ReadLines(Path.Combine(RepoRoot(), "docs", "pipeline.md")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) inReference = line == "## Config reference";
            else if (inReference && line.StartsWith("### ", StringComparison.Ordinal)) section = line[4..].Trim();
            else if (inReference && section is not null && Row.Match(line) is { Success: true } m)
                Assert.True(keys.TryAdd($"{section}.{m.Groups["key"].Value}", m.Groups["default"].Value), $"row {section}.{m.Groups["key"].Value} appears twice");
        }
        Assert.NotEmpty(keys);
        return keys;
    }

    static YamlMappingNode Resolved(bool withSecondJudge)
    {
        var config = new LlamaDuoConfig();
        if (withSecondJudge) config = config with { Judge = config.Judge with { SecondJudge = new SecondJudgeOptions() } };
        var stream = new YamlStream();
        stream.Load(new StringReader(config.ToYaml()));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>Every leaf key of the resolved config with its value as text (null for null), and every section key.</summary>
    static (Dictionary<string, string?> Leaves, HashSet<string> Sections) Keys(YamlMappingNode root)
    {
        var leaves = new Dictionary<string, string?>();
        var sections = new HashSet<string>();
        void Walk(YamlMappingNode map, string path)
        {
            foreach (var (k, v) in map.Children)
            {
                var key = path.Length == 0 ? ((YamlScalarNode)k).Value! : $"{path}.{((YamlScalarNode)k).Value}";
                if (v is YamlMappingNode inner)
                {
                    sections.Add(key);
                    Walk(inner, key);
                }
                else leaves[key] = Text(v);
            }
        }
        Walk(root, "");
        return (leaves, sections);
    }

    static string? Text(YamlNode node) => node switch
    {
        YamlSequenceNode list => "[" + string.Join(", ", list.Children.Select(Text)) + "]",
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "null" } => null,
        YamlScalarNode s => s.Value,
        _ => throw new InvalidOperationException($"unexpected node {node}"),
    };

    /// <summary>A default cell as a value: `x` is x, "" is the empty text, unset and null are null.</summary>
    static string? Normalise(string cell)
    {
        var text = cell.Trim();
        if (text.Length >= 2 && text[0] == '`' && text[^1] == '`') text = text[1..^1];
        if (text is "unset" or "null") return null;
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') text = text[1..^1];
        return text;
    }

    static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LlamaDuo.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
