using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;

namespace LlamaDuo.Pipeline.Quickstart;

/// <summary>
/// The offline main job: write the shipped story-QA coverage set and config into the run folder, start the demo
/// service (a rule-based STAND-IN for the service LLM, not a language model) on a free loopback port, and run the
/// whole loop on stories15M. Running it again on the same folder resumes it.
/// </summary>
public static class QuickstartRun
{
    public static async Task<LoopOutcome> RunAsync(string runDir, TextWriter log, Func<LlamaDuoConfig, LlamaDuoConfig>? adjust = null,
        CancellationToken ct = default)
    {
        var inputs = Path.Combine(Path.GetFullPath(runDir), "inputs");
        Directory.CreateDirectory(inputs);
        var configPath = Extract("quickstart/config.yaml", Path.Combine(inputs, "config.yaml"));
        Extract("quickstart/coverage.jsonl", Path.Combine(inputs, "coverage.jsonl"));

        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 },
            [new DemoJudgeResponder(), new DemoSynthesisResponder()], ct);
        log.WriteLine($"demo service (a rule-based stand-in for the service LLM, not a language model) on {demo.BaseUrl}");
        var config = LlamaDuoConfig.Load(configPath);
        config = config with { Service = config.Service with { BaseUrl = demo.BaseUrl } };
        if (adjust is not null) config = adjust(config);
        return await MigrationLoop.RunAsync(config, runDir, log, ct);
    }

    static string Extract(string resource, string path)
    {
        if (File.Exists(path)) return path; // a resumed quickstart keeps the inputs it started with
        using var stream = typeof(QuickstartRun).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing from the build");
        using var reader = new StreamReader(stream);
        Store.AtomicFile.WriteAllText(path, reader.ReadToEnd());
        return path;
    }
}
