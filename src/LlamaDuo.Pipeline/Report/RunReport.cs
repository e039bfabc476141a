using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Report;

/// <summary>Writes a run's report.html from its run.db (atomically), with the pass rule from the run's config.yaml.</summary>
internal static class RunReport
{
    /// <summary>Writes report.html into the run folder and returns its path.</summary>
    public static string Write(RunStore store)
    {
        var rule = File.Exists(store.Folder.ConfigPath) ? LlamaDuoConfig.Load(store.Folder.ConfigPath).Judge.Pass : new PassRule();
        var data = ReportData.From(store);
        var sections = ReportSections.All.Select(s => (s.Id, s.Title, s.Render(store, data))).ToList();
        // The calibration section appears only when `judge calibrate --out RUN/calibration` has been run.
        var html = CalibrationSection.Insert(ReportHtml.Render(data, rule, sections), store.Folder.Root);
        AtomicFile.WriteAllText(store.Folder.ReportPath, html);
        return store.Folder.ReportPath;
    }
}
