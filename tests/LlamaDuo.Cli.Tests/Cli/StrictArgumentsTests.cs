using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LlamaDuo.Cli.Tests.Loop;

namespace LlamaDuo.Cli.Tests.Cli;

/// <summary>
/// Every command refuses what it does not understand (exit 2, naming it and the closest valid option), over the whole
/// registered command tree as the CLI itself describes it; every command line written in README.md and docs/ parses.
/// </summary>
public partial class StrictArgumentsTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>Every command the CLI registers ("bench train") with its option names, from `llamaduo cli xmldoc`.</summary>
    static async Task<List<(string Path, bool IsBranch, HashSet<string> Options)>> RegisteredCommandsAsync(string workDir)
    {
        var (code, output) = await CliProcess.RunAsync(workDir, Timeout, "cli", "xmldoc");
        Assert.Equal(0, code);
        var xml = XDocument.Parse(output[output.IndexOf('<')..]);
        var commands = new List<(string, bool, HashSet<string>)>();
        void Walk(XElement parent, string prefix)
        {
            foreach (var command in parent.Elements("Command"))
            {
                var path = (prefix + " " + (string)command.Attribute("Name")!).Trim();
                var options = command.Elements("Parameters").Elements("Option")
                    .SelectMany(o => ((string?)o.Attribute("Long") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .Select(n => "--" + n).ToHashSet();
                commands.Add((path, (string?)command.Attribute("IsBranch") == "true", options));
                Walk(command, path);
            }
        }
        Walk(xml.Root!, "");
        return commands;
    }

    [Fact]
    public async Task Every_registered_command_refuses_an_unknown_option_and_words_after_double_dash_with_exit_2()
    {
        using var temp = new RepoPaths.Temp();
        var commands = await RegisteredCommandsAsync(temp.Path);
        Assert.Contains(commands, c => c.Path == "bench train"); // the tree is the real one, branches included
        Assert.True(commands.Count >= 15, $"only {commands.Count} commands described");

        var failures = new List<string>();
        foreach (var (path, isBranch, _) in commands)
        {
            var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, [.. path.Split(' '), "--bogus-flag"]);
            if (code != 2 || !output.Contains("unknown option '--bogus-flag'") || !output.Contains($"'{path}'"))
                failures.Add($"{path} --bogus-flag: exit {code}: {Last(output)}");
            if (isBranch) continue;
            (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, [.. path.Split(' '), "--", "extra"]);
            if (code != 2 || !output.Contains("unexpected arguments after '--': extra"))
                failures.Add($"{path} -- extra: exit {code}: {Last(output)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("generate --model stories15m --prompt hi --tempreture 0", "unknown option '--tempreture' for 'generate'; did you mean --temperature?")]
    [InlineData("serve --mdoel stories15m", "unknown option '--mdoel' for 'serve'; did you mean --model?")]
    [InlineData("bench train --shape x", "field 'shape', value 'x': unknown model shape; known: ")]
    [InlineData("bench train --shpe qwen2.5-0.5b", "unknown option '--shpe' for 'bench train'; did you mean --shape?")]
    [InlineData("runs --bogus-flag", "unknown option '--bogus-flag' for 'runs'; its options are")]
    [InlineData("runs --roots runs", "did you mean --root?")]
    [InlineData("generate -x", "unknown option '-x' for 'generate'")]
    [InlineData("version extra", "Unknown command 'extra'")]
    [InlineData("status one two", "Could not match 'two'")]
    public async Task A_mistyped_option_or_extra_argument_is_exit_2_naming_it(string commandLine, string expected)
    {
        using var temp = new RepoPaths.Temp();
        var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, commandLine.Split(' '));

        Assert.Equal(2, code);
        Assert.Contains(expected, output);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "runs")), "nothing may run or be written");
    }

    [Fact]
    public async Task Parse_only_stops_before_the_command_runs_and_still_names_the_closest_option()
    {
        using var temp = new RepoPaths.Temp();
        var parseOnly = new Dictionary<string, string> { ["LLAMADUO_PARSE_ONLY"] = "1" };

        var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, parseOnly, "bench", "train", "--quick");
        Assert.Equal(0, code);
        Assert.Contains("parsed; not run", output);
        Assert.DoesNotContain("tok/s", output);

        (code, output) = await CliProcess.RunAsync(temp.Path, Timeout, parseOnly, "generate", "--tempreture", "0");
        Assert.Equal(2, code);
        Assert.Contains("did you mean --temperature?", output);
    }

    [Fact]
    public async Task Every_llamaduo_command_line_in_the_readme_and_docs_still_parses()
    {
        using var temp = new RepoPaths.Temp();
        var commands = await RegisteredCommandsAsync(temp.Path);
        var lines = DocumentedCommandLines().ToList();
        Assert.True(lines.Count >= 30, $"only {lines.Count} command lines found");

        var failures = new List<string>();
        foreach (var (source, text) in lines)
        {
            // A synopsis ("[--quick] [--steps N]", "...") is not a command line: its option names must exist.
            var synopsis = text.Contains('[') || text.Contains("...");
            var args = ShellWords(synopsis ? text.Replace("[", " ").Replace("]", " ").Replace("|", " ") : text);
            var command = commands.Where(c => args.Take(c.Path.Split(' ').Length).SequenceEqual(c.Path.Split(' ')))
                .OrderByDescending(c => c.Path.Length).FirstOrDefault();
            if (command.Path is null) { failures.Add($"{source}: llamaduo {text}: no such command"); continue; }
            if (synopsis)
            {
                foreach (var option in args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--help"))
                    if (!command.Options.Contains(option)) failures.Add($"{source}: '{command.Path}' has no option {option}");
                continue;
            }
            var (code, output) = await CliProcess.RunAsync(temp.Path, Timeout,
                new Dictionary<string, string> { ["LLAMADUO_PARSE_ONLY"] = "1", ["LLAMADUO_KEY"] = "sk-docs" }, args);
            // Validation may refuse a placeholder (runs/<id>); parsing must not refuse anything.
            if (code != 0 && ParseErrors().IsMatch(output)) failures.Add($"{source}: llamaduo {text}\n  {Last(output)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [GeneratedRegex("unknown option|Unknown command|Could not match|Invalid long option|unexpected arguments|Expected an option value")]
    private static partial Regex ParseErrors();

    /// <summary>`./llamaduo ...` in README.md and docs/*.md: lines of code blocks and inline code spans, shell-split.</summary>
    static IEnumerable<(string Source, string Text)> DocumentedCommandLines()
    {
        var files = new[] { Path.Combine(RepoPaths.Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md"));
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                while (line.EndsWith('\\') && i + 1 < lines.Length) line = line[..^1] + " " + lines[++i].Trim();
                foreach (Match m in CommandLine().Matches(line))
                    if (m.Groups["args"].Value.Trim().Length > 0) yield return ($"{Path.GetFileName(file)}:{i + 1}", m.Groups["args"].Value.Trim());
            }
        }
    }

    [GeneratedRegex(@"(?:^\s*(?:\$ )?|`)\./llamaduo(?<args>(?: [^`]*)?)(?:`|$)")]
    private static partial Regex CommandLine();

    /// <summary>Splits like a shell, up to the first unquoted comment, pipe, redirection, list or background operator.</summary>
    static string[] ShellWords(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0'; else word.Append(c);
                continue;
            }
            if (c is '\'' or '"') { quote = c; inWord = true; continue; }
            if (c is '#' or '|' or '>' or '&' or ';' && (!inWord || c != '#')) break;
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            word.Append(c);
            inWord = true;
        }
        if (inWord) words.Add(word.ToString());
        return [.. words];
    }

    static string Last(string output) => output.Trim().Split('\n').LastOrDefault() ?? "";
}
