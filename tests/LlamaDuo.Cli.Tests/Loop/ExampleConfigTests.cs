using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Dedup;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Synthesis;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// The real-provider example configs for the paper's four no_robots tasks: each loads, names a real provider and its
/// key variable, and its data path runs on the real no_robots rows (ingest, split, synthesis seeded from train, dedup
/// and decontamination, judging) with the demo service standing in for the provider.
/// </summary>
public class ExampleConfigTests
{
    public static TheoryData<string, string, int> Tasks => new()
    {
        { "summarize", "Summarize", 395 },
        { "classify", "Classify", 334 },
        { "coding", "Coding", 334 },
        { "closed_qa", "Closed_QA", 245 },
    };

    [Theory]
    [MemberData(nameof(Tasks))]
    public async Task Example_config_runs_its_data_path_on_no_robots(string name, string category, int rows)
    {
        var shared = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "no_robots", $"no_robots-{category}.jsonl"));
        Assert.True(File.Exists(shared), $"shared data missing: {shared}");
        var config = LlamaDuoConfig.Load(Path.Combine(RepoPaths.Root, "examples", "no_robots", $"{name}.yaml"));
        Assert.NotEqual(ServiceProvider.Demo, config.Service.Provider);
        Assert.False(string.IsNullOrEmpty(config.Service.ApiKeyEnv));
        // Without the key the real provider is refused before any call, naming the variable.
        var real = ConfigMapping.Service(config, "unused.db", "unused.jsonl");
        var missingKey = Assert.Throws<LlamaDuo.Core.Errors.InputException>(() => real.Validate(_ => null));
        Assert.Contains(config.Service.ApiKeyEnv!, missingKey.Message);

        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        config = config with
        {
            Data = config.Data with { Path = shared },
            Service = config.Service with { Provider = ServiceProvider.Demo, BaseUrl = demo.BaseUrl, ApiKeyEnv = null },
        };

        using var store = RunStore.Create(new RunFolder(Path.Combine(temp.Path, "run")), config.Task.Name);
        var split = IngestStage.Run(config, store);
        Assert.Equal(rows, split.Train.Count + split.Test.Count);
        Assert.InRange(split.Test.Count, rows / 20, rows / 5);
        var testIds = split.Test.Select(r => r.Id).ToHashSet();
        Assert.DoesNotContain(split.Train, r => testIds.Contains(r.Id));

        using var service = ServiceClientFactory.Create(ConfigMapping.Service(config, Path.Combine(temp.Path, "cache.db"), Path.Combine(temp.Path, "ledger.jsonl")));
        var train = split.Train.Select(r => r.Example).ToList();
        var synth = await new DataSynthesizer(service.Chat, new TaskDescription(config.Task.Name, config.Task.Topic, config.Task.SystemPrompt),
            ConfigMapping.Synthesis(config, config.Service.Model) with { RowsPerRequest = 4 }).GenerateAsync(train, 1, 8);
        Assert.NotEmpty(synth.Rows);
        Assert.All(synth.Rows, r => Assert.All(r.Provenance.SeedIds, id => Assert.DoesNotContain(id, testIds)));
        var dedup = new Deduplicator(ConfigMapping.Dedup(config)).Run(synth.Rows.Select(r => r.Example).ToList(), train,
            split.Test.Select(r => r.Example).ToList());
        Assert.Equal(synth.Rows.Count, dedup.Decisions.Count);

        // Judging a few test rows: the reference itself as the candidate scores high through the whole client stack.
        var items = split.Test.Take(3).Select(r => new JudgeItem(r.Id + "#0", r.Example.Prompt, r.Example.Response!, r.Example.Response!, r.Id)).ToList();
        var judged = await JudgeRunner.RunAsync(new LlmJudge(service.Chat, ConfigMapping.LlmJudge(config, config.Service.Model) with { Rounds = 2 }), items);
        Assert.Equal(0, judged.UnscoredRows);
        Assert.True(judged.Similarity.Mean >= 90, $"similarity {judged.Similarity.Mean}");
        Assert.True(service.Ledger.Totals().Calls >= synth.Calls + 6);
    }
}
