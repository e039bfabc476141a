using LlamaDuo.Core.Data;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Cost;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Tests.Shared;

/// <summary>
/// TEST DATA, not a real run: a run folder with hand-checkable cost inputs. Service gpt-4o ($2.50 / $10 per 1M). Ten
/// test rows "Hello, world!" -> "Hello, world!": o200k_base gives 4 tokens each, so a request is 3 + 1 ("user") + 4 + 3
/// = 11 prompt tokens and 4 answer tokens: c_v = (11 x 2.5 + 4 x 10) / 1e6 = $0.0000675. The student took 2.0 s for 10
/// requests (0.2 s each, 30 answer tokens). The ledger has synthesis $1.50 (1000 + 500 tokens) and judging $0.25
/// (800 + 200 tokens).
/// </summary>
public static class CostRunFixture
{
    public const decimal ServicePerRequest = 0.0000675m;
    public const double SecondsPerRequest = 0.2;

    public static RunStore Create(string root, string service = "service: {provider: openai, model: gpt-4o}")
    {
        var store = RunStore.Create(new RunFolder(Path.Combine(root, "20261207-020000-cost")), "cost-fixture");
        LlamaDuoConfig.Parse($"task: {{name: cost-fixture}}\ndata: {{path: fake.jsonl}}\n{service}\n").Save(store.Folder.ConfigPath);
        var test = Enumerable.Range(0, 10).Select(i => new CoverageRow(ChatExample.FromPair($"t{i}", "Hello, world!", "Hello, world!"), new RowProvenance("fake.jsonl", i + 1))).ToList();
        DatasetFile.Write(store.Folder.TestPath, test);
        store.AddRows(RunStore.TestSplit, test);
        new StudentThroughput("export/model.gguf", "llama.cpp", 10, 500, 30, 2.0, "test machine", "export stage's parity check", DateTimeOffset.UnixEpoch).Write(store.Folder);
        var at = DateTimeOffset.UtcNow;
        store.RecordCall(new CallRecord("s1", 1, "synth", "openai", "gpt-4o", 1000, 500, 1.50, 10, "ok", false, at));
        store.RecordCall(new CallRecord("j1", 0, "judge", "openai", "gpt-4o", 800, 200, 0.25, 10, "ok", false, at));
        return store;
    }
}
