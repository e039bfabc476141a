using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Report;

/// <summary>Writes a run's report.html from its run.db (atomically), with the pass rule from the run's config.yaml.</summary>
public static class RunReport
{
    /// <summary>Writes report.html into the run folder and returns its path.</summary>
    public static string Write(RunStore store)
    {
        var rule = File.Exists(store.Folder.ConfigPath) ? LlamaDuoConfig.Load(store.Folder.ConfigPath).Judge.Pass : new PassRule();
        var html = CalibrationSection.Insert(ReportHtml.Render(ReportData.From(store), rule), store.Folder.Root);
        AtomicFile.WriteAllText(store.Folder.ReportPath, html);
        return store.Folder.ReportPath;
    }
}
