using System.Globalization;

namespace LlamaDuo.Pipeline.Cost;

/// <summary>The cost case in sentences and table cells, shared by `llamaduo cost` and the report so both say the same.</summary>
public static class CostLines
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>"break-even: ..." in one line.</summary>
    public static string BreakEven(CostCase c)
    {
        if (c.BreakEvenRequestsPerDay is not { } v)
            return $"break-even: none: the service costs {Usd(c.ServiceDollarsPerRequest)} per request, no more than the student's machine time ({Usd(c.StudentDollarsPerRequest)})";
        var line = string.Create(Inv, $"break-even: {Math.Ceiling(v):N0} requests/day (one always-on machine at {Usd(c.Machine.PerHour * 24)}/day against {Usd(c.ServiceDollarsPerRequest)} per service request)");
        if (c.CheaperAtEveryVolumeFrom is { } all && all > v * 1.0000001)
            line += string.Create(Inv, $"; cheaper at every volume from {Math.Ceiling(all):N0} requests/day (just past a machine's capacity the next one costs more than its share saves)");
        return line;
    }

    /// <summary>Per-request costs in one line.</summary>
    public static string PerRequest(CostCase c) => string.Create(Inv,
        $"per request: service {Usd(c.ServiceDollarsPerRequest)} vs student {Usd(c.StudentDollarsPerRequest)} ({c.StudentSecondsPerRequest:0.0000} s at {Usd(c.Machine.PerHour)}/hour; one machine answers {c.RequestsPerMachineDay:N0} requests/day)");

    /// <summary>The one-off spend in one line.</summary>
    public static string Migration(CostCase c)
    {
        var m = c.Migration;
        var other = m.OtherServiceDollars > 0 ? $", other service calls {Usd(m.OtherServiceDollars)}" : "";
        return string.Create(Inv, $"one-off migration: synthesis {Usd(m.SynthesisDollars)} ({m.SynthesisTokens:N0} tokens), judging {Usd(m.JudgingDollars)} ({m.JudgingTokens:N0} tokens){other}, "
            + $"training {m.TrainingSeconds:0} s of machine time = {Usd(m.TrainingDollars(c.Machine))}; total {Usd(m.Total(c.Machine))}")
            + (c.RepricedAs is { } p ? string.Create(Inv, $" (the same {m.ServiceTokens.Input + m.ServiceTokens.Output:N0} service tokens at {c.ServiceModel} list prices: {Usd(m.ServiceDollarsAt(p))})") : "");
    }

    /// <summary>The label of the i-th load: light, heavy, then "load 3", ...</summary>
    public static string LoadName(int i) => i switch { 0 => "light", 1 => "heavy", _ => $"load {i + 1}" };

    /// <summary>The paper's (service, local) figures beside the i-th load, or null past light and heavy.</summary>
    public static (decimal Service, decimal Local)? Paper(int i) => i switch
    {
        0 => (PaperFigures.ServiceLight, PaperFigures.LocalLight),
        1 => (PaperFigures.ServiceHeavy, PaperFigures.LocalHeavy),
        _ => null,
    };

    /// <summary>Rows of the 12-month table: load, requests/day, service, student (machines), saving, payback, paper service, paper local.</summary>
    public static IEnumerable<string[]> YearRows(CostCase c) => c.RequestsPerDay.Select((v, i) =>
    {
        var y = c.Year(v);
        var paper = Paper(i);
        var payback = c.PaybackDays(v) is { } d ? string.Create(Inv, $"{d:0.#} days") : "never";
        return new[]
        {
            LoadName(i), v.ToString("N0", Inv), Usd0(y.Service), $"{Usd0(y.Student)} ({y.Machines} machine{(y.Machines == 1 ? "" : "s")})",
            Usd0(y.Service - y.Student), payback, paper is { } p ? Usd0(p.Service) : "", paper is { } q ? Usd0(q.Local) : "",
        };
    });

    /// <summary>The table's column headings.</summary>
    public static readonly string[] YearHeadings =
        ["load", "requests/day", "service, 12 months", "student, 12 months", "saving", "migration paid back after", "paper: GPT-4o", "paper: local Gemma 7B"];

    /// <summary>Dollars with enough digits for a fraction of a cent.</summary>
    public static string Usd(decimal x) => x switch
    {
        0 => "$0",
        < 0.01m and > -0.01m => "$" + x.ToString("0.########", Inv),
        < 100m and > -100m => "$" + x.ToString("0.####", Inv),
        _ => "$" + x.ToString("N2", Inv),
    };

    /// <summary>Whole dollars, as the paper's table has them.</summary>
    public static string Usd0(decimal x) => (x < 0 ? "-$" : "$") + Math.Abs(x).ToString("N0", Inv);
}
