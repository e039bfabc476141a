using System.Text.RegularExpressions;

namespace LlamaDuo.Cli;

/// <summary>
/// Turns Spectre's "Unknown option 'tempreture'." into a message that names the option as typed, the command, and
/// the closest option that command takes ("did you mean --temperature?"), or lists its options when none is close.
/// </summary>
internal static partial class UnknownOptions
{
    [GeneratedRegex("^Unknown option '(?<name>[^']+)'")]
    private static partial Regex UnknownOption();

    /// <summary>The better message, or null when <paramref name="parseError"/> is not about an unknown option.</summary>
    public static string? Explain(string parseError, IReadOnlyList<string> args, CommandTree tree)
    {
        var match = UnknownOption().Match(parseError);
        if (!match.Success) return null;
        var name = match.Groups["name"].Value;
        var typed = args.Select(a => a.Split('=', 2)[0]).FirstOrDefault(a => a.TrimStart('-') == name && a.StartsWith('-'))
                    ?? (name.Length == 1 ? "-" + name : "--" + name);
        var command = tree.Resolve(args);
        if (command is null) return $"unknown option '{typed}'";
        var help = $"(see llamaduo {command.Path} --help)";
        var closest = Closest(typed, command.Options);
        if (closest is not null) return $"unknown option '{typed}' for '{command.Path}'; did you mean {closest}? {help}";
        var valid = command.Options.Where(o => o.StartsWith("--", StringComparison.Ordinal)).ToList();
        return valid.Count == 0
            ? $"unknown option '{typed}': '{command.Path}' takes no options {help}"
            : $"unknown option '{typed}' for '{command.Path}'; its options are {string.Join(", ", valid)} {help}";
    }

    /// <summary>The valid option nearest to <paramref name="typed"/> by edit distance, when it is close enough to be a typo.</summary>
    public static string? Closest(string typed, IEnumerable<string> options)
    {
        var word = typed.TrimStart('-');
        var best = options
            .Select(o => (Option: o, Distance: EditDistance(word, o.TrimStart('-'))))
            .OrderBy(c => c.Distance).ThenBy(c => c.Option, StringComparer.Ordinal)
            .FirstOrDefault();
        // A third of the word (at least 2 edits) is a typo; more than that is another word.
        return best.Option is not null && best.Distance <= Math.Max(2, word.Length / 3) && best.Distance < word.Length ? best.Option : null;
    }

    /// <summary>Damerau-Levenshtein (optimal string alignment): a swapped pair of letters counts as one edit.</summary>
    static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
