using System.Text.Json;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Server;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Torch.Generation;
using LlamaDuo.Torch.Loading;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// inference.engine: the same round answered by our TorchSharp engine, by llama.cpp with the round's adapter GGUF on the
/// run's base GGUF (auto, the default, and llamacpp), and by a remote OpenAI-compatible server (our own `llamaduo serve`
/// on loopback).
/// </summary>
public class InferenceEngineTests
{
    static LlamaDuoConfig Config(string baseUrl, InferenceOptions inference) =>
        QuickstartConfig.Fast(baseUrl) with { Inference = inference };

    static async Task<List<Generation>> InferAsync(string dir, LlamaDuoConfig config, StringWriter? log = null)
    {
        log ??= new StringWriter();
        foreach (var stage in new[] { LoopStage.Ingest, LoopStage.Train, LoopStage.Infer })
            await MigrationLoop.RunAsync(config, dir, log, onlyStage: stage);
        return File.ReadLines(Path.Combine(dir, "round-00", "generations.jsonl")).Select(l => JsonSerializer.Deserialize<Generation>(l)!).ToList();
    }

    [Fact]
    public async Task LlamaCpp_engine_gives_the_torch_engines_greedy_answers()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var baseConfig = Config(demo.BaseUrl, new InferenceOptions());
        var greedy = baseConfig.Inference with { K = 1, Temperature = 0, MaxNewTokens = 4, Stop = ["\n"] };
        var torch = await InferAsync(Path.Combine(temp.Path, "torch"), baseConfig with { Inference = greedy with { Engine = InferenceEngine.Torch } });
        var llama = await InferAsync(Path.Combine(temp.Path, "llamacpp"), baseConfig with { Inference = greedy with { Engine = InferenceEngine.LlamaCpp } });

        Assert.Equal(torch.Count, llama.Count);
        // No merge and re-export per round: the base once per run, the round's LoRA as an adapter GGUF.
        Assert.True(File.Exists(Path.Combine(temp.Path, "llamacpp", "base.gguf")));
        Assert.True(File.Exists(Path.Combine(temp.Path, "llamacpp", "round-00", "adapter.gguf")));
        Assert.False(File.Exists(Path.Combine(temp.Path, "llamacpp", "round-00", "model.gguf")));
        var torchAnswers = torch.ToDictionary(g => g.RowId, g => First(g.Text));
        int same = llama.Count(g => torchAnswers[g.RowId] == First(g.Text));
        Assert.True(same >= llama.Count * 0.9, $"only {same} of {llama.Count} greedy answers agree between torch and llama.cpp");
    }

    [Fact]
    public async Task Default_engine_checks_the_logits_and_answers_k_samples_per_prompt_on_llama_cpp_as_a_rerun_does()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        var baseConfig = Config(demo.BaseUrl, new InferenceOptions());
        Assert.Equal(InferenceEngine.Auto, baseConfig.Inference.Engine);
        var sampled = baseConfig with { Inference = baseConfig.Inference with { K = 3, Temperature = 0.8, MaxNewTokens = 12, BatchSize = 4 } };
        var log = new StringWriter();
        var first = await InferAsync(Path.Combine(temp.Path, "a"), sampled, log);
        var again = await InferAsync(Path.Combine(temp.Path, "b"), sampled);

        Assert.Contains("reproduces our logits", log.ToString());
        Assert.Matches(@"on llama\.cpp in \d", log.ToString());
        var test = LlamaDuo.Pipeline.Data.DatasetFile.Read(Path.Combine(temp.Path, "a", "data", "test.jsonl"));
        Assert.Equal(test.Count * 3, first.Count);
        Assert.All(test, row => Assert.Equal([0, 1, 2], first.Where(g => g.RowId == row.Id).Select(g => g.Sample).Order()));
        // Seeded per (prompt, sample): the same texts in a second run, and the samples of a prompt are not copies.
        Assert.Equal(first.Select(g => g.Text), again.Select(g => g.Text));
        Assert.True(first.GroupBy(g => g.RowId).Count(g => g.Select(x => x.Text).Distinct().Count() > 1) >= test.Count / 2,
            "most prompts should get different samples");
    }

    [Fact]
    public async Task Remote_engine_answers_through_llamaduo_serve()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()]);
        using var student = ModelLoader.Load("stories15m");
        using var chat = new TorchChatClient(student);
        await using var server = await LlamaDuoServer.StartAsync(new ServedModel("round-00", chat), new ServerOptions { Port = 0, Parallel = 2 });

        var inference = new InferenceOptions
        {
            Engine = InferenceEngine.Remote, BaseUrl = new Uri(server.BaseUrl, "v1").ToString(), Model = "round-00",
            K = 2, Temperature = 0, MaxNewTokens = 6, Stop = ["\n"], Concurrency = 3,
        };
        var generations = await InferAsync(Path.Combine(temp.Path, "remote"), Config(demo.BaseUrl, inference));

        var test = LlamaDuo.Pipeline.Data.DatasetFile.Read(Path.Combine(temp.Path, "remote", "data", "test.jsonl"));
        Assert.Equal(test.Count * 2, generations.Count);
        Assert.All(generations, g => Assert.False(string.IsNullOrWhiteSpace(g.Text)));
        // The server ran the base model greedily: its answer is what the same model gives locally.
        var row = test[0];
        var local = chat.GenerateBatch([StudentPrompt.Turns(row.Example)], new GenerationOptions { MaxNewTokens = 6, StopStrings = ["\n"] })[0].Text;
        Assert.Equal(local, generations.First(g => g.RowId == row.Id).Text);
    }

    static string First(string text) => text.Trim().Split(' ', '\n').FirstOrDefault() ?? "";
}
