using LlamaDuo.Core.Errors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli;

/// <summary>The CLI's one catch-all: bad input prints its message and exits 2; anything else prints and exits 1.</summary>
internal static class CliErrors
{
    /// <summary>
    /// Runs the command line; an unknown option is named with the closest one <paramref name="tree"/> knows for the
    /// command (when given).
    /// </summary>
    public static int Run(Func<int> body, IReadOnlyList<string>? args = null, CommandTree? tree = null)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (Unwrap(e) is InputException input)
        {
            Console.Error.WriteLine($"error: {input.Message}");
            return 2;
        }
        catch (Exception e) when (Unwrap(e) is StrictArguments.ParsedOnly parsed)
        {
            Console.Error.WriteLine(parsed.Message);
            return 0;
        }
        catch (Exception e) when (Unwrap(e) is CommandParseException parse && tree is not null && args is not null
                                  && UnknownOptions.Explain(parse.Message, args, tree) is { } explained)
        {
            Console.Error.WriteLine($"error: {explained}");
            return 2;
        }
        catch (Exception e) when (Unwrap(e) is CommandParseException or CommandRuntimeException)
        {
            Console.Error.WriteLine($"error: {Unwrap(e).Message}");
            return 2;
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e)
        {
            var inner = Unwrap(e);
            Console.Error.WriteLine($"error: {inner.GetType().Name}: {inner.Message}");
            if (Environment.GetEnvironmentVariable("LLAMADUO_DEBUG") == "1") AnsiConsole.WriteException(inner);
            return 1;
        }
    }

    static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerException: not null } or TypeInitializationException { InnerException: not null })
            e = e.InnerException!;
        return e;
    }
}
