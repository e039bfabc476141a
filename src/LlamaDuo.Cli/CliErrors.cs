using LlamaDuo.Core.Errors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli;

/// <summary>The CLI's one catch-all: bad input prints its message and exits 2; anything else prints and exits 1.</summary>
public static class CliErrors
{
    public static int Run(Func<int> body)
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
