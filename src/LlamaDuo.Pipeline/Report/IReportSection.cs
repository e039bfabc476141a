using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Report;

/// <summary>
/// One section of report.html after the built-in figures: an anchor id (report.html#id, linked from `llamaduo ui`), a
/// heading, and its HTML body read from the run store. Add a section by listing it in <see cref="ReportSections.All"/>.
/// </summary>
internal interface IReportSection
{
    /// <summary>The anchor, unique in the page.</summary>
    string Id { get; }

    /// <summary>The heading shown and linked from the contents.</summary>
    string Title { get; }

    /// <summary>The section's HTML (without its heading); self-contained, nothing fetched.</summary>
    string Render(RunStore store, ReportData data);
}
