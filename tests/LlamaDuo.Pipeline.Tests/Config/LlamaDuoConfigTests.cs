using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;

namespace LlamaDuo.Pipeline.Tests.Config;

public class LlamaDuoConfigTests
{
    const string Minimal = "data:\n  path: rows.jsonl\n";

    [Fact]
    public void Minimal_config_gets_paper_defaults()
    {
        var c = LlamaDuoConfig.Parse(Minimal);
        Assert.Equal(2e-4, c.Student.Training.LearningRate);
        Assert.Equal(0.1, c.Student.Training.WarmupRatio);
        Assert.Equal(16, c.Student.Lora.EffectiveAlpha);
        Assert.Equal(0.05, c.Student.Lora.Dropout);
        Assert.Equal(4, c.Inference.K);
        Assert.Equal(0.8, c.Inference.Temperature);
        Assert.Equal(1024, c.Inference.MaxNewTokens);
        Assert.Equal(10, c.Judge.Rounds);
        Assert.Equal(90, c.Judge.Pass.MinSimilarity);
        Assert.Equal(90, c.Judge.Pass.MinPrecision);
    }

    [Fact]
    public void Configs_parse_on_many_threads_at_once()
    {
        // Test classes run in parallel and each loads a config; the binder's reflection must not share unlocked state.
        const int threadCount = 16;
        var barrier = new Barrier(threadCount);
        var results = new LlamaDuoConfig?[threadCount];
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, threadCount).Select(i => new Thread(() =>
        {
            barrier.SignalAndWait();
            try { results[i] = LlamaDuoConfig.Parse(Minimal + $"task: {{name: t{i}}}\n"); }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
        for (var i = 0; i < threadCount; i++) Assert.Equal($"t{i}", results[i]!.Task.Name);
    }

    [Fact]
    public void Overrides_are_read_into_every_kind_of_value()
    {
        var c = LlamaDuoConfig.Parse("""
            task: {name: classify, topic: sentiment of reviews}
            data:
              path: d.csv
              format: csv
              columns: {prompt: question, response: answer, id: qid}
              test_ratio: 0.25
            student:
              method: full
              lora: {rank: 16, alpha: null, targets: [q_proj, v_proj]}
              training: {epochs: 3, learning_rate: 2e-3, warm_start: false}
            inference: {engine: llamacpp, stop: ["\n\n", "Q:"]}
            service: {provider: openai-compatible, base_url: "http://127.0.0.1:8080/v1", prices: {input_per_million: 0.5}}
            judge: {metrics: [llm, rouge_l], second_judge: {model: other}}
            loop: {max_rounds: 3, budgets: {dollars: 12.5, tokens: 1000000, synthetic_rows: null}}
            """);
        Assert.Equal("classify", c.Task.Name);
        Assert.Equal(DataFormat.Csv, c.Data.Format);
        Assert.Equal("question", c.Data.Columns.Prompt);
        Assert.Equal("messages", c.Data.Columns.Messages);
        Assert.Equal(LlamaDuo.Torch.Training.TrainMethod.Full, c.Student.Method);
        Assert.Equal(32, c.Student.Lora.EffectiveAlpha);
        Assert.Equal(["q_proj", "v_proj"], c.Student.Lora.Targets);
        Assert.Equal(2e-3, c.Student.Training.LearningRate);
        Assert.False(c.Student.Training.WarmStart);
        Assert.Equal(InferenceEngine.LlamaCpp, c.Inference.Engine);
        Assert.Equal(["\n\n", "Q:"], c.Inference.Stop);
        Assert.Equal(ServiceProvider.OpenAICompatible, c.Service.Provider);
        Assert.Equal(0.5, c.Service.Prices.InputPerMillion);
        Assert.Null(c.Service.Prices.OutputPerMillion);
        Assert.Equal([JudgeMetric.Llm, JudgeMetric.RougeL], c.Judge.Metrics);
        Assert.Equal("other", c.Judge.SecondJudge!.Model);
        Assert.Equal(12.5, c.Loop.Budgets.Dollars);
        Assert.Equal(1_000_000L, c.Loop.Budgets.Tokens);
        Assert.Null(c.Loop.Budgets.SyntheticRows);
    }

    [Fact]
    public void Unknown_top_level_key_names_key_and_line()
    {
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse("data:\n  path: x.jsonl\nstudnet:\n  model: m\n", "cfg.yaml"));
        Assert.Equal(3, e.Line);
        Assert.Equal("studnet", e.Field);
        Assert.Contains("cfg.yaml:3", e.Message);
        Assert.Contains("unknown key 'studnet'", e.Message);
        Assert.Contains("student", e.Message); // lists the valid keys, so the typo is easy to spot
    }

    [Fact]
    public void Unknown_nested_key_names_dotted_key_and_line()
    {
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse("data:\n  path: x\nstudent:\n  training:\n    epochs: 2\n    lr: 0.1\n"));
        Assert.Equal(6, e.Line);
        Assert.Equal("student.training.lr", e.Field);
        Assert.Contains("learning_rate", e.Message);
    }

    [Theory]
    [InlineData("student:\n  training:\n    epochs: ten\n", 3, "student.training.epochs", "ten", "whole number")]
    [InlineData("inference:\n  temperature: hot\n", 2, "inference.temperature", "hot", "a number")]
    [InlineData("student:\n  training:\n    warm_start: maybe\n", 3, "student.training.warm_start", "maybe", "true or false")]
    [InlineData("service:\n  provider: openia\n", 2, "service.provider", "openia", "openai-compatible")]
    [InlineData("student:\n  lora:\n    targets: q_proj\n", 3, "student.lora.targets", "q_proj", "a list")]
    [InlineData("judge:\n  pass: 90\n", 2, "judge.pass", "90", "min_similarity")]
    [InlineData("task:\n  name: null\n", 2, "task.name", "null", "text")]
    public void Wrong_type_names_key_line_and_value(string body, int line, string key, string value, string expected)
    {
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse("data:\n  path: x\n" + body));
        Assert.Equal(line + 2, e.Line);
        Assert.Equal(key, e.Field);
        Assert.Equal(value, e.Value);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("data:\n  path: x\n  test_ratio: 1.5\n", "data.test_ratio", 3)]
    [InlineData("data:\n  path: x\nservice:\n  provider: openai-compatible\n", "service.base_url", null)]
    [InlineData("data:\n  path: x\nexport:\n  quant: q4_k\n", "export.quant", 4)]
    [InlineData("task:\n  name: t\n", "data.path", null)]
    public void Out_of_range_values_name_the_key(string yaml, string key, int? line)
    {
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse(yaml));
        Assert.Equal(key, e.Field);
        Assert.Equal(line, e.Line);
    }

    [Fact]
    public void A_store_connection_with_a_password_names_key_and_line_and_hides_the_password()
    {
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse(Minimal + "store:\n  connection: \"Host=db;Username=me;Password=hunter2\"\n"));
        Assert.Equal(("store.connection", 4), (e.Field, e.Line));
        Assert.Contains("PGPASSWORD", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
        Assert.Equal("Host=db;Username=me", LlamaDuoConfig.Parse(Minimal + "store: {connection: \"Host=db;Username=me\"}\n").Store.Connection);
    }

    [Fact]
    public void A_train_section_is_shorthand_for_the_student_trainer_keys()
    {
        var c = LlamaDuoConfig.Parse(Minimal + "train:\n  backend: external\n  external: {launcher: slurm}\n  epochs: 3\nstudent: {method: lora}\n");
        Assert.Equal((TrainingBackend.External, ExternalLauncher.Slurm, 3), (c.Student.Backend, c.Student.External.Launcher, c.Student.Training.Epochs));
        Assert.Contains("backend: external", c.ToYaml()); // written back under student:
        Assert.DoesNotContain("train:", c.ToYaml());

        var both = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse(Minimal + "student: {backend: torch}\ntrain:\n  backend: external\n"));
        Assert.Equal(("train.backend", 5), (both.Field, both.Line));
        var wrong = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse(Minimal + "train:\n  epocs: 3\n"));
        Assert.Equal(4, wrong.Line);
        Assert.Contains("epocs", wrong.Message);
    }

    [Fact]
    public void Duplicate_key_is_an_error()
    {
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse("data:\n  path: x\n  path: y\n"));
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void Broken_yaml_names_the_line()
    {
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse("data:\n  path: x\n  format: \"csv\n"));
        Assert.Equal(3, e.Line);
        Assert.Contains("not valid YAML", e.Message);
        // An unclosed flow list makes YamlDotNet throw without a position: still a clear input error.
        var unclosed = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse("data:\n  path: [x\n  format: csv\n"));
        Assert.Contains("not valid YAML", unclosed.Message);
    }

    [Fact]
    public void Resolved_yaml_round_trips_to_an_equal_config()
    {
        var c = LlamaDuoConfig.Parse("""
            task: {name: "null", topic: "42", system_prompt: "You are: terse.\nAlways."}
            data: {path: d.jsonl, test_ratio: 0.15}
            inference: {stop: ["\n", "#"], top_p: 0.95}
            judge: {second_judge: {provider: gemini, model: gemini-1.5-flash}}
            loop: {budgets: {dollars: 0.3}}
            """);
        var yaml = c.ToYaml();
        var back = LlamaDuoConfig.Parse(yaml);
        Assert.Equal(yaml, back.ToYaml());
        Assert.Equal("null", back.Task.Name);
        Assert.Equal("42", back.Task.Topic);
        Assert.Equal("You are: terse.\nAlways.", back.Task.SystemPrompt);
        Assert.Equal(0.3, back.Loop.Budgets.Dollars);
        Assert.Equal(c.Data, back.Data with { Columns = c.Data.Columns });
        Assert.Equal(ServiceProvider.Gemini, back.Judge.SecondJudge!.Provider);
        // Every default is written out, so the run folder's config.yaml documents the whole run.
        Assert.Contains("learning_rate: 0.0002", yaml);
        Assert.Contains("rouge_l_threshold: 0.7", yaml);
        Assert.Contains("provider: openai", yaml);
    }

    [Fact]
    public void Load_resolves_paths_against_the_config_folder_and_Save_writes_it()
    {
        using var dir = new TempDir();
        var path = dir.File("sub/cfg.yaml", "data:\n  path: ../data/rows.jsonl\nstudent:\n  model: models/smol\n");
        var c = LlamaDuoConfig.Load(path);
        Assert.Equal(Path.Combine(dir.Path, "data", "rows.jsonl"), c.Data.Path);
        Assert.Equal(Path.Combine(dir.Path, "sub", "models", "smol"), c.Student.Model);
        Assert.Equal("stories15m", LlamaDuoConfig.Parse(Minimal).Student.Model);
        var saved = Path.Combine(dir.Path, "run", "config.yaml");
        c.Save(saved);
        Assert.Equal(c.Data.Path, LlamaDuoConfig.Load(saved).Data.Path);
    }

    [Fact]
    public void Missing_config_file_is_an_input_error()
    {
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Load("/nonexistent/llamaduo.yaml"));
        Assert.Equal("/nonexistent/llamaduo.yaml", e.File);
    }
}
