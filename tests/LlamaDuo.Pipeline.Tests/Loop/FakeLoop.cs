using System.Text.Json;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Runs;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Providers;
using LlamaDuo.Torch.Training;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Pipeline.Tests.Loop;

/// <summary>
/// The loop with every model replaced: a stub trainer (writes a result and an adapter folder, learns nothing), a fake
/// student behind inference.engine remote that answers right once it has been trained on more than
/// <see cref="RowsToLearn"/> rows, a fake service LLM that writes new synthetic pairs, and the exact-match judge. Runs
/// in well under a second per round, with no network, torch or llama.cpp.
/// </summary>
sealed class FakeLoop : IDisposable
{
    public const int CoverageRows = 40;

    readonly TempDir _dir = new();
    int _trainedOn, _synthCalls;

    public string RunDir => Path.Combine(_dir.Path, "run");
    public LlamaDuoConfig Config { get; }
    public List<TrainJob> TrainJobs { get; } = [];
    public int StudentCalls;
    public int SynthCalls => _synthCalls;

    /// <summary>The student's next answer throws (a crashed engine), once.</summary>
    public bool FailNextAnswer { get; set; }

    /// <summary>The student answers right once trained on more rows than this (null: never).</summary>
    public int? RowsToLearn { get; set; }

    public FakeLoop(string extraYaml = "")
    {
        var rows = Enumerable.Range(1, CoverageRows).Select(i => JsonSerializer.Serialize(new
        {
            id = $"q{i:000}",
            messages = new[] { new { role = "user", content = $"Which colour is flag number {i}?" }, new { role = "assistant", content = $"colour {i}" } },
        }));
        var data = _dir.File("coverage.jsonl", string.Join("\n", rows) + "\n");
        Config = LlamaDuoConfig.Parse($"""
            task: {"{"}name: fake-loop, topic: flag colours{"}"}
            data: {"{"}path: "{data}", test_ratio: 0.25, split_seed: 7{"}"}
            inference: {"{"}engine: remote, base_url: "http://127.0.0.1:9/v1", model: fake-student, k: 1{"}"}
            judge:
              metrics: [exact]
              pass: {"{"}min_similarity: 90, min_precision: 90, coverage_threshold: 90{"}"}
            synthesis: {"{"}rows_per_round: 16, rows_per_request: 8, seed_count: 2{"}"}
            export: {"{"}formats: []{"}"}
            {extraYaml}
            """);
    }

    /// <summary>Runs (or resumes) the loop in <see cref="RunDir"/>, optionally one stage only.</summary>
    public async Task<LoopOutcome> RunAsync(LoopStage? onlyStage = null)
    {
        using var store = RunSetup.CreateOrOpen(Config, RunDir);
        using var service = new ServiceClient(new FakeService(this), new Service.Providers.ServiceOptions { Model = "fake-service" }, new CallLedger(), null, () => { });
        var ctx = new LoopContext(Config, store, service, TextWriter.Null)
        {
            OnlyStage = onlyStage,
            Trainer = TrainAsync,
            RemoteStudent = _ => new FakeStudent(this),
        };
        return await MigrationLoop.RunAsync(ctx, secondJudge: null, CancellationToken.None);
    }

    Task<TrainResult> TrainAsync(TrainJob job, CancellationToken ct)
    {
        TrainJobs.Add(job);
        _trainedOn = job.Rows.Count;
        var adapter = Path.Combine(job.OutDir, "adapter");
        Directory.CreateDirectory(adapter);
        File.WriteAllText(Path.Combine(adapter, "rows.txt"), job.Rows.Count.ToString());
        var result = new TrainResult { OutputDir = job.OutDir, AdapterDir = adapter, Method = "lora", Dtype = "float32", Device = "cpu", Steps = 1,
            LossHistory = [new LossPoint(1, 0, 1.0, 1e-3)] };
        File.WriteAllText(Path.Combine(job.OutDir, TrainRunFolder.ResultFile), JsonSerializer.Serialize(result));
        return Task.FromResult(result);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Answers "colour N" to "flag number N" once it knows, else a wrong colour.</summary>
    sealed class FakeStudent(FakeLoop loop) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default)
        {
            if (loop.FailNextAnswer)
            {
                loop.FailNextAnswer = false;
                throw new HttpRequestException("connection refused");
            }
            Interlocked.Increment(ref loop.StudentCalls);
            var question = messages.Last().Text;
            var n = question.Split(' ', '?').First(w => int.TryParse(w, out _));
            bool knows = loop.RowsToLearn is { } needed && loop._trainedOn > needed;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, knows ? $"colour {n}" : "grey")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    /// <summary>The service LLM's synthesis: each call a JSON array of eight new pairs, never seen before.</summary>
    sealed class FakeService(FakeLoop loop) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default)
        {
            int call = Interlocked.Increment(ref loop._synthCalls);
            var pairs = Enumerable.Range(0, 8).Select(i => Pair(call * 8 + i));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, JsonSerializer.Serialize(pairs))));
        }

        /// <summary>Six words drawn by the pair's number: two pairs share few, so dedup keeps them all.</summary>
        static object Pair(int id)
        {
            var words = Enumerable.Range(0, 60).Select(w => $"w{w}x").ToArray();
            new Random(id).Shuffle(words);
            return new { instruction = $"Tell me about {string.Join(" ", words.Take(6))}.", response = $"answer {id}" };
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}
