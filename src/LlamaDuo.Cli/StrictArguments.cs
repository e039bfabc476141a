using LlamaDuo.Core.Errors;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli;

/// <summary>
/// Makes every command strict. <see cref="Apply"/> turns on Spectre's strict parsing (an unknown option or an
/// unmatched argument is a parse error, exit 2); <see cref="RefuseDoubleDash"/> refuses what strict parsing still lets
/// through, words after <c>--</c>, which no llamaduo command reads. With <c>LLAMADUO_PARSE_ONLY=1</c> a command line
/// is parsed and validated, then stops before the command runs (exit 0), so scripts and docs can be checked cheaply.
/// </summary>
internal sealed class StrictArguments : ICommandInterceptor
{
    /// <summary>The variable that asks for a parse-only run.</summary>
    public const string ParseOnlyVariable = "LLAMADUO_PARSE_ONLY";

    /// <summary>Strict parsing and the parse-only stop, for every command registered on <paramref name="config"/>.</summary>
    public static void Apply(IConfigurator config)
    {
        config.UseStrictParsing();
        config.SetInterceptor(new StrictArguments());
    }

    /// <summary>
    /// Returns <paramref name="args"/> unless they hold <c>--</c>: Spectre would hand the words after it to the command
    /// as "remaining" arguments, and every command would ignore them. Checked before parsing, so it is reported even
    /// when the rest of the command line would also fail validation.
    /// </summary>
    public static string[] RefuseDoubleDash(string[] args)
    {
        var at = Array.IndexOf(args, "--");
        if (at < 0) return args;
        var extra = string.Join(' ', args[(at + 1)..]);
        throw new InputException($"unexpected arguments after '--': {(extra.Length == 0 ? "(none)" : extra)}; no llamaduo command takes any (see llamaduo --help)");
    }

    /// <summary>Runs after parsing and validation, just before the command.</summary>
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        // Spectre's built-in `cli` commands (whose settings live in its assembly) always run: the CLI reads its own
        // tree through `cli xmldoc` to name the closest option, parse-only or not.
        var ours = settings.GetType().Assembly == typeof(StrictArguments).Assembly;
        if (ours && Environment.GetEnvironmentVariable(ParseOnlyVariable) == "1") throw new ParsedOnly();
    }

    /// <summary>Stops a parse-only run after validation; the CLI's error handler turns it into exit 0.</summary>
    public sealed class ParsedOnly() : Exception("parsed; not run (LLAMADUO_PARSE_ONLY=1)");
}
