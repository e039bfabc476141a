namespace LlamaDuo.Core.Errors;

/// <summary>
/// Bad input from the user: a file, a config key or a command-line value. The message names where the problem is
/// (file, line, field, value) and what to do; the CLI prints it and exits non-zero.
/// </summary>
public class InputException : Exception
{
    public InputException(string message, string? file = null, int? line = null, string? field = null, string? value = null, Exception? inner = null)
        : base(Compose(message, file, line, field, value), inner)
    {
        Reason = message;
        File = file;
        Line = line;
        Field = field;
        Value = value;
    }

    /// <summary>What is wrong and what to do, without the location (for re-raising with a better one).</summary>
    public string Reason { get; }

    /// <summary>The file that holds the bad input, when there is one.</summary>
    public string? File { get; }

    /// <summary>1-based line number inside <see cref="File"/>.</summary>
    public int? Line { get; }

    /// <summary>The field, column or config key at fault.</summary>
    public string? Field { get; }

    /// <summary>The offending value, shortened for display.</summary>
    public string? Value { get; }

    static string Compose(string message, string? file, int? line, string? field, string? value)
    {
        var where = new List<string>();
        if (file is not null) where.Add(line is null ? file : $"{file}:{line}");
        if (field is not null) where.Add($"field '{field}'");
        if (value is not null) where.Add($"value '{Shorten(value)}'");
        return where.Count == 0 ? message : $"{string.Join(", ", where)}: {message}";
    }

    static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
