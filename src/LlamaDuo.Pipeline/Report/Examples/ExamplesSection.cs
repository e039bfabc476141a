using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Report.Examples;

/// <summary>
/// Every example, in the report: the data as JSON in a <c>&lt;script type="application/json"&gt;</c> element and a small
/// inline script (examples.js) that draws one page of rows at a time, so 1,000 prompts x 4 answers x 10 judge calls
/// stay a few thousand DOM nodes. Filters: round, passed/failed, text search; worst prompt first; change since the
/// previous round; each answer's judge calls with both reasons; each round's synthetic rows with seeds and dedup decision.
/// </summary>
internal sealed class ExamplesSection : IReportSection
{
    public string Id => "examples";

    public string Title => "Every example";

    public string Render(RunStore store, ReportData data)
    {
        var threshold = File.Exists(store.Folder.ConfigPath) ? LlamaDuoConfig.Load(store.Folder.ConfigPath).Judge.Pass.CoverageThreshold : new PassRule().CoverageThreshold;
        var json = ExamplesData.Json(store.Folder, threshold);
        return $"""
            <p class="meta">Each test prompt's score in a round is the mean over its answers and judge calls; a prompt passes when both similarity and
            precision reach {threshold:0.#} (the coverage threshold). Worst first; the change is against the previous judged round. Click a row for the
            reference, every answer and every judge call.</p>
            <div class="ex-controls" id="ex-controls"><label>round <select id="ex-round"></select></label>
            <label>show <select id="ex-filter"><option value="all">all prompts</option><option value="failed">failed</option><option value="passed">passed</option></select></label>
            <label>search <input id="ex-search" type="search" placeholder="prompt, reference or answer text"></label> <span id="ex-count" class="meta"></span></div>
            <table id="ex-table"><thead><tr><th>#</th><th>prompt</th><th>similarity</th><th>precision</th><th>change</th><th>verdict</th></tr></thead><tbody></tbody></table>
            <p><button id="ex-more" type="button">show more</button></p>
            <h3 id="synthetic-rows">Synthetic rows</h3>
            <div class="ex-controls"><label>round <select id="sx-round"></select></label>
            <label>show <select id="sx-filter"><option value="all">all rows</option><option value="kept">kept</option><option value="dropped">dropped</option></select></label>
            <label>search <input id="sx-search" type="search" placeholder="text, id or seed"></label> <span id="sx-count" class="meta"></span></div>
            <table id="sx-table"><thead><tr><th>row</th><th>prompt / answer</th><th>seeds</th><th>dedup decision</th></tr></thead><tbody></tbody></table>
            <p><button id="sx-more" type="button">show more</button></p>
            <script type="application/json" id="examples-data">{json}</script>
            <script>{Script.Value}</script>

            """;
    }

    static readonly Lazy<string> Script = new(() =>
    {
        using var stream = typeof(ExamplesSection).Assembly.GetManifestResourceStream("report/examples.js")
            ?? throw new InvalidOperationException("embedded resource report/examples.js is missing from the build");
        using var reader = new StreamReader(stream);
        // The script is ours and holds no "</script"; checked here so an edit cannot break the page silently.
        var js = reader.ReadToEnd();
        if (js.Contains("</script", StringComparison.OrdinalIgnoreCase)) throw new InvalidOperationException("examples.js must not contain </script");
        return js;
    });
}
