using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Providers;
using LlamaDuo.Torch.Training;

namespace LlamaDuo.Pipeline.Config;

/// <summary>Range and consistency checks after binding; each failure names the key and, when it was written, its line.</summary>
internal static class ConfigValidator
{
    static readonly string[] Statistics = ["mean", "median"];
    static readonly string[] ExportFormats = [.. Export.ModelExport.RunFormats.Select(f => f.Name)];
    static readonly HashSet<string> Quants = new(LlamaDuo.LlamaCpp.Export.GgufQuants.Names, StringComparer.OrdinalIgnoreCase); // q4_k_m = Q4_K_M

    public static void Check(LlamaDuoConfig c, string file, IReadOnlyDictionary<string, int> lines)
    {
        void Require(bool ok, string key, object? value, string rule)
        {
            if (ok) return;
            int? line = lines.TryGetValue(key, out var l) ? l : null;
            throw new InputException(rule, file, line, key, value?.ToString());
        }

        Require(!string.IsNullOrWhiteSpace(c.Task.Name), "task.name", c.Task.Name, "must not be empty");
        if (c.Store.Connection is { } connection)
        {
            try { _ = LlamaDuo.Pipeline.Store.StoreLocation.Postgres(connection); }
            catch (InputException e) { Require(false, "store.connection", e.Value, e.Reason); }
        }
        Require(!string.IsNullOrWhiteSpace(c.Data.Path), "data.path", c.Data.Path, "is required: the coverage dataset file or folder");
        Require(c.Data.TestRatio is > 0 and < 1, "data.test_ratio", c.Data.TestRatio, "must be between 0 and 1 (exclusive)");
        Require(c.Data.MinTrainRows >= 1, "data.min_train_rows", c.Data.MinTrainRows, "must be at least 1");
        Require(c.Data.MinTestRows >= 1, "data.min_test_rows", c.Data.MinTestRows, "must be at least 1");
        Require(c.Data.EncodingErrors is "strict" or "replace", "data.encoding_errors", c.Data.EncodingErrors, "must be strict or replace");

        Require(!string.IsNullOrWhiteSpace(c.Student.Model), "student.model", c.Student.Model, "must name stories15m, a llama2.c file or a model folder");
        // The trainer's own rules, reported under the config's keys (student.training.*, student.lora.*).
        if (Loop.ConfigMapping.Train(c, resume: false, initAdapter: null).FirstProblem() is { } problem)
            Require(false, $"student.{problem.Key}", problem.Value, problem.Rule);
        var ext = c.Student.External;
        Require(c.Student.Backend != TrainingBackend.External || c.Student.Method == TrainMethod.Lora, "student.backend", "external", "needs student.method lora (external trainers hand back a PEFT adapter)");
        Require(ext.Launcher != ExternalLauncher.Custom || !string.IsNullOrWhiteSpace(ext.Command), "student.external.command", ext.Command ?? "null", "is required when the launcher is custom");
        Require(ext.PollSeconds > 0, "student.external.poll_seconds", ext.PollSeconds, "must be positive");
        Require(ext.TimeoutMinutes > 0, "student.external.timeout_minutes", ext.TimeoutMinutes, "must be positive");
        Require(ext.Gpus >= 0, "student.external.gpus", ext.Gpus, "must not be negative");

        var inf = c.Inference;
        Require(inf.K >= 1, "inference.k", inf.K, "must be at least 1");
        Require(inf.Temperature >= 0, "inference.temperature", inf.Temperature, "must not be negative (0 is greedy)");
        Require(inf.TopP is > 0 and <= 1, "inference.top_p", inf.TopP, "must be in (0, 1]");
        Require(inf.TopK >= 0, "inference.top_k", inf.TopK, "must not be negative (0 turns it off)");
        Require(inf.MaxNewTokens >= 1, "inference.max_new_tokens", inf.MaxNewTokens, "must be at least 1");
        Require(inf.BatchSize >= 1, "inference.batch_size", inf.BatchSize, "must be at least 1");
        Require(inf.Concurrency >= 1, "inference.concurrency", inf.Concurrency, "must be at least 1");
        Require(inf.Engine != InferenceEngine.Remote || !string.IsNullOrWhiteSpace(inf.BaseUrl), "inference.base_url", inf.BaseUrl, "is required when inference.engine is remote");

        var s = c.Service;
        Require(!string.IsNullOrWhiteSpace(s.Model), "service.model", s.Model, "must name the provider's model");
        Require(s.Provider != ServiceProvider.OpenAICompatible || !string.IsNullOrWhiteSpace(s.BaseUrl), "service.base_url", s.BaseUrl, "is required when service.provider is openai-compatible");
        Require(s.Limits.Rpm >= 1, "service.limits.rpm", s.Limits.Rpm, "must be at least 1");
        Require(s.Limits.Tpm >= 1, "service.limits.tpm", s.Limits.Tpm, "must be at least 1");
        Require(s.Limits.Concurrency >= 1, "service.limits.concurrency", s.Limits.Concurrency, "must be at least 1");
        Require(s.Retries >= 0, "service.retries", s.Retries, "must not be negative");
        Require(s.TimeoutSeconds >= 1, "service.timeout_seconds", s.TimeoutSeconds, "must be at least 1");
        Require(s.Prices.InputPerMillion is null or >= 0, "service.prices.input_per_million", s.Prices.InputPerMillion, "must not be negative");
        Require(s.Prices.OutputPerMillion is null or >= 0, "service.prices.output_per_million", s.Prices.OutputPerMillion, "must not be negative");
        Require(!s.Batch.Enabled || s.Provider != ServiceProvider.Gemini, "service.batch.enabled", s.Batch.Enabled, "is not supported with service.provider gemini (batch mode speaks OpenAI Batch and Anthropic Message Batches); set it to false");
        Require(s.Batch.PollS > 0, "service.batch.poll_s", s.Batch.PollS, "must be positive");
        Require(s.Batch.MaxRequests >= 1, "service.batch.max_requests", s.Batch.MaxRequests, "must be at least 1");
        Require(s.Batch.WindowMs >= 0, "service.batch.window_ms", s.Batch.WindowMs, "must not be negative");
        Require(s.Batch.PriceFactor is null or (>= 0 and <= 1), "service.batch.price_factor", s.Batch.PriceFactor, "must be in [0, 1] (0.5 = half the list price)");

        var j = c.Judge;
        Require(j.Rounds >= 1, "judge.rounds", j.Rounds, "must be at least 1");
        Require(j.Temperature >= 0, "judge.temperature", j.Temperature, "must not be negative");
        Require(j.Metrics.Count > 0, "judge.metrics", "[]", "must list at least one of: llm, exact, rouge_l, bleu");
        Require(Statistics.Contains(j.Pass.Statistic), "judge.pass.statistic", j.Pass.Statistic, "must be mean or median");
        Require(j.Pass.MinSimilarity is >= 0 and <= 100, "judge.pass.min_similarity", j.Pass.MinSimilarity, "must be in [0, 100]");
        Require(j.Pass.MinPrecision is >= 0 and <= 100, "judge.pass.min_precision", j.Pass.MinPrecision, "must be in [0, 100]");
        Require(j.Pass.CoverageThreshold is >= 0 and <= 100, "judge.pass.coverage_threshold", j.Pass.CoverageThreshold, "must be in [0, 100]");
        Require(j.Pass.MinCoverage is >= 0 and <= 100, "judge.pass.min_coverage", j.Pass.MinCoverage, "must be in [0, 100]");

        var y = c.Synthesis;
        Require(y.RowsPerRound >= 0, "synthesis.rows_per_round", y.RowsPerRound, "must not be negative");
        Require(y.SeedCount >= 1, "synthesis.seed_count", y.SeedCount, "must be at least 1");
        Require(y.RowsPerRequest >= 1, "synthesis.rows_per_request", y.RowsPerRequest, "must be at least 1");
        Require(y.Dedup.JaccardThreshold is > 0 and <= 1, "synthesis.dedup.jaccard_threshold", y.Dedup.JaccardThreshold, "must be in (0, 1]");
        Require(y.Dedup.ShingleSize >= 1, "synthesis.dedup.shingle_size", y.Dedup.ShingleSize, "must be at least 1");
        Require(y.Dedup.Permutations >= 8, "synthesis.dedup.permutations", y.Dedup.Permutations, "must be at least 8");
        Require(y.Dedup.RougeLThreshold is > 0 and <= 1, "synthesis.dedup.rouge_l_threshold", y.Dedup.RougeLThreshold, "must be in (0, 1]");
        Require(y.Dedup.DecontamNgram >= 1, "synthesis.dedup.decontam_ngram", y.Dedup.DecontamNgram, "must be at least 1");
        Require(y.Dedup.DecontamThreshold is >= 0 and <= 1, "synthesis.dedup.decontam_threshold", y.Dedup.DecontamThreshold, "must be in [0, 1]");

        var b = c.Loop.Budgets;
        Require(c.Loop.MaxRounds >= 1, "loop.max_rounds", c.Loop.MaxRounds, "must be at least 1");
        Require(b.SyntheticRows is null or >= 0, "loop.budgets.synthetic_rows", b.SyntheticRows, "must not be negative (null for no limit)");
        Require(b.Tokens is null or >= 0, "loop.budgets.tokens", b.Tokens, "must not be negative (null for no limit)");
        Require(b.Dollars is null or >= 0, "loop.budgets.dollars", b.Dollars, "must not be negative (null for no limit)");
        Require(b.WallMinutes is null or > 0, "loop.budgets.wall_minutes", b.WallMinutes, "must be positive (null for no limit)");

        foreach (var f in c.Export.Formats)
            Require(ExportFormats.Contains(f), "export.formats", f, "each format must be one of: " + string.Join(", ", ExportFormats));
        Require(Quants.Contains(c.Export.Quant), "export.quant", c.Export.Quant, "must be one of: " + string.Join(", ", Quants));
        Require(c.Export.ParityTolerance >= 0, "export.parity_tolerance", c.Export.ParityTolerance, "must not be negative");

        // A key pasted where the variable's name belongs would be saved with the run: refuse it, and never print it.
        foreach (var (key, value) in new[] { ("service.api_key_env", s.ApiKeyEnv), ("judge.second_judge.api_key_env", j.SecondJudge?.ApiKeyEnv), ("inference.api_key_env", inf.ApiKeyEnv) })
            Require(value is null || !LooksLikeAKey(value), key, null,
                "holds what looks like an API key, not the name of an environment variable (the value is not shown, and was not saved): "
                + "put the key in a variable (export OPENAI_API_KEY=...) and write the variable's name here");
    }

    static readonly string[] KeyPrefixes = ["sk-", "sk_", "pk-", "hf_", "gsk_", "xai-", "AIza", "key-"];

    /// <summary>Not a variable name ([A-Za-z_][A-Za-z0-9_]*), a provider key prefix, or a long mixed-case string with digits.</summary>
    internal static bool LooksLikeAKey(string value)
    {
        bool isName = value.Length > 0 && (char.IsAsciiLetter(value[0]) || value[0] == '_') && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
        if (!isName || KeyPrefixes.Any(p => value.StartsWith(p, StringComparison.Ordinal))) return true;
        return value.Length >= 24 && value.Any(char.IsAsciiLetterLower) && value.Any(char.IsAsciiLetterUpper) && value.Any(char.IsAsciiDigit);
    }
}
