using System.Net;
using System.Text;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Cost;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Report;

/// <summary>The report's cost case at the documented defaults (docs/cost.md); `llamaduo cost RUN` takes other assumptions.</summary>
internal sealed class CostSection : IReportSection
{
    public string Id => "cost";

    public string Title => "Cost case: service LLM vs the student";

    public string Render(RunStore store, ReportData data)
    {
        CostCase c;
        try { c = CostCaseBuilder.Build(store, new CostOptions()); }
        catch (InputException e) { return $"<p class=\"empty\">No cost case yet: {E(e.Message)}</p>\n"; }
        var html = new StringBuilder();
        html.Append($"<p>{E(CostLines.PerRequest(c))}.</p>\n<p class=\"breakeven\"><b>{E(CostLines.BreakEven(c))}</b></p>\n");
        html.Append("<table id=\"cost-year\"><tr>").AppendJoin("", CostLines.YearHeadings.Select(h => $"<th>{E(h)}</th>")).Append("</tr>\n");
        foreach (var row in CostLines.YearRows(c))
            html.Append("<tr>").Append($"<td>{E(row[0])}</td>").AppendJoin("", row.Skip(1).Select(x => $"<td>{E(x)}</td>")).Append("</tr>\n");
        html.Append("</table>\n");
        html.Append($"<p class=\"meta\">Paper columns: {E(PaperFigures.Source)}, for context only (its tasks, loads and GPUs, not this run's). "
            + "Student machines are always on and answer one request at a time; the migration's one-off spend is not in the 12-month columns.</p>\n");
        html.Append($"<p>{E(CostLines.Migration(c))}.</p>\n");
        html.Append("<table id=\"cost-inputs\"><tr><th>input</th><th>value</th><th>source</th></tr>\n");
        foreach (var i in c.Inputs) html.Append($"<tr><td>{E(i.Name)}</td><td class=\"text\">{E(i.Value)}</td><td class=\"text\">{E(i.Source)}</td></tr>\n");
        html.Append("</table>\n<p class=\"meta\">Other assumptions (loads, machine price, owned hardware, batch price, another machine's throughput): <code>llamaduo cost RUN --help</code>; defaults in docs/cost.md.</p>\n");
        return html.ToString();
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
}
