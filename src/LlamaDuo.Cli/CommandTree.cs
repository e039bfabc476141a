using System.Xml.Linq;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli;

/// <summary>
/// The registered command tree as Spectre describes it (<c>llamaduo cli xmldoc</c>): which command a command line
/// names and which options that command takes. Read only on the error path, to name the closest valid option.
/// </summary>
internal sealed class CommandTree(Action<IConfigurator> register)
{
    /// <summary>One command of the tree: its path ("bench train") and its long and short option names, with dashes.</summary>
    public sealed record Node(string Path, IReadOnlyList<string> Options, bool IsBranch);

    /// <summary>Every command of the tree, branches and leaves, in registration order.</summary>
    public IReadOnlyList<Node> Nodes() => Walk(Describe().Root!, "").ToList();

    /// <summary>The deepest command the leading words of <paramref name="args"/> name, or null when the first word is no command.</summary>
    public Node? Resolve(IReadOnlyList<string> args)
    {
        XElement? current = Describe().Root, found = null;
        var path = new List<string>();
        foreach (var word in args)
        {
            var child = current?.Elements("Command").FirstOrDefault(c => (string?)c.Attribute("Name") == word
                || c.Elements("Alias").Any(a => a.Value == word));
            if (child is null) break;
            path.Add((string)child.Attribute("Name")!);
            current = found = child;
        }
        return found is null ? null : ToNode(found, string.Join(' ', path));
    }

    XDocument Describe()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 1_000_000; // no wrapping inside the XML
        var app = new CommandApp();
        app.Configure(config =>
        {
            register(config);
            config.ConfigureConsole(console);
        });
        app.Run(["cli", "xmldoc"]);
        return XDocument.Parse(output.ToString());
    }

    static IEnumerable<Node> Walk(XElement parent, string prefix)
    {
        foreach (var command in parent.Elements("Command"))
        {
            var path = (prefix + " " + (string)command.Attribute("Name")!).Trim();
            yield return ToNode(command, path);
            foreach (var child in Walk(command, path)) yield return child;
        }
    }

    static Node ToNode(XElement command, string path)
    {
        var options = command.Elements("Parameters").Elements("Option")
            .SelectMany(o => Names((string?)o.Attribute("Long"), "--").Concat(Names((string?)o.Attribute("Short"), "-")))
            .ToList();
        return new Node(path, options, (string?)command.Attribute("IsBranch") == "true");
    }

    // Spectre lists several names of one option comma-separated.
    static IEnumerable<string> Names(string? names, string dashes) =>
        (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => dashes + n);
}
