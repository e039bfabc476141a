namespace LlamaDuo.Pipeline.Report;

/// <summary>The sections report.html shows after its figures, in order. One line adds one.</summary>
internal static class ReportSections
{
    public static IReadOnlyList<IReportSection> All { get; } =
    [
        new CostSection(),
        new Examples.ExamplesSection(),
    ];
}
