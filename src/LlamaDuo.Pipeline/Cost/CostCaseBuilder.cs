using System.Globalization;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Providers;

namespace LlamaDuo.Pipeline.Cost;

/// <summary>Builds a run's <see cref="CostCase"/> from its own files: config.yaml, data/test.jsonl, export/throughput.json and the run store.</summary>
public static class CostCaseBuilder
{
    /// <summary>The model the service is priced as when the run's own has no price (the demo stand-in): the paper's service LLM.</summary>
    public const string FallbackServiceModel = "gpt-4o";

    /// <summary>The cost case of one run; an InputException says which input is missing and how to supply it.</summary>
    public static CostCase Build(RunStore store, CostOptions options)
    {
        var folder = store.Folder;
        if (!File.Exists(folder.ConfigPath)) throw new InputException("the run has no config.yaml, so its service and task are unknown", folder.ConfigPath);
        if (!File.Exists(folder.TestPath)) throw new InputException("the run has no test split yet (the ingest stage writes it)", folder.TestPath);
        if (options.RequestsPerDay.Count == 0 || options.RequestsPerDay.Any(v => v <= 0))
            throw new InputException("requests per day must be whole numbers above 0", field: "--requests-per-day", value: string.Join(",", options.RequestsPerDay));
        var config = LlamaDuoConfig.Load(folder.ConfigPath);
        var test = DatasetFile.Read(folder.TestPath);
        var tokens = TaskTokens.Count(test, config.Task.SystemPrompt);
        var inputs = new List<CostInput>
        {
            new("test prompts", test.Count.ToString(CultureInfo.InvariantCulture), "data/test.jsonl of this run"),
            new("prompt tokens per request", F(tokens.InputPerRequest, "0.0"), $"mean over the test prompts; {TaskTokens.Tokenizer}"),
            new("answer tokens per request", F(tokens.OutputPerRequest, "0.0"), "mean over the test references (what the service answered); o200k_base"),
        };

        var (model, price, priceSource) = ServicePrice(config, options.PriceAs);
        var factor = options.Batch ? (decimal)(config.Service.Batch.PriceFactor ?? (double)price.BatchFactor) : 1m;
        var perRequest = ((decimal)tokens.InputPerRequest * price.InputPerMillion + (decimal)tokens.OutputPerRequest * price.OutputPerMillion) / 1_000_000m * factor;
        inputs.Add(new("service model and price", string.Create(CultureInfo.InvariantCulture, $"{model}: ${price.InputPerMillion}/1M prompt, ${price.OutputPerMillion}/1M answer tokens"), priceSource));
        inputs.Add(options.Batch
            ? new("batch price", $"x {factor.ToString(CultureInfo.InvariantCulture)} of list", "--batch: traffic that can wait for a provider batch (service.batch.price_factor, else the price table's batch factor)")
            : new("batch price", "not applied (list price)", "interactive traffic; pass --batch for work that can wait for a provider batch"));

        var seconds = StudentSeconds(folder, options, tokens, inputs);
        inputs.Add(new("student machine", options.Machine.Description, options.Machine.Source));
        inputs.Add(new("loads", string.Join(", ", options.RequestsPerDay.Select(v => v.ToString("N0", CultureInfo.InvariantCulture))) + " requests/day",
            ReferenceEquals(options.RequestsPerDay, CostOptions.DefaultRequestsPerDay) ? "default light and heavy load; --requests-per-day N ..." : "--requests-per-day"));
        inputs.Add(new("one-off migration spend", "synthesis and judging dollars, training time", "the run store's ledger roll-up (costs) and its train stages' wall time"));
        return new CostCase(perRequest, seconds, options.Machine, MigrationSpend.From(store), options.RequestsPerDay, inputs)
        {
            ServiceModel = model,
            RepricedAs = model == config.Service.Model ? null : price,
        };
    }

    static (string Model, ModelPrice Price, string Source) ServicePrice(LlamaDuoConfig config, string? priceAs)
    {
        var table = config.Service.ResolvePrices(); // the ledger's table: defaults with service.prices applied
        var listed = $"the ledger's price table (list prices of {PriceTable.DefaultsTakenOn}, with config service.prices)";
        if (priceAs is not null)
            return table.Find(priceAs) is { } chosen ? (priceAs, chosen, $"--price-as; {listed}")
                : throw new InputException($"no price for '{priceAs}' in the price table; known: {string.Join(", ", table.Entries.Keys)}", field: "--price-as", value: priceAs);
        if (table.Find(config.Service.Model) is { } price && (price.InputPerMillion > 0 || price.OutputPerMillion > 0))
            return (config.Service.Model, price, $"the run's service.model; {listed}");
        return (FallbackServiceModel, table.Find(FallbackServiceModel)!,
            $"the run's service ({config.Service.Model}) has no list price (the demo stand-in is free): priced as {FallbackServiceModel}, the paper's service LLM; choose with --price-as");
    }

    static double StudentSeconds(RunFolder folder, CostOptions options, TaskTokens tokens, List<CostInput> inputs)
    {
        var measured = options.Measured ?? StudentThroughput.Read(folder);
        var how = options.Measured is not null ? "measured now by `llamaduo cost --measure`" : $"recorded in export/{StudentThroughput.FileName} by the {measured?.MeasuredBy}";
        if (options.TokensPerSecond is { } tps)
        {
            if (tps <= 0) throw new InputException("tokens per second must be above 0", field: "--tokens-per-second", value: tps.ToString(CultureInfo.InvariantCulture));
            var answer = measured is { Requests: > 0 } m ? (double)m.CompletionTokens / m.Requests : tokens.OutputPerRequest;
            inputs.Add(new("student throughput", F(tps, "0.#") + " tokens/s", "--tokens-per-second (a named machine's figure)"));
            inputs.Add(new("student seconds per request", F(answer / tps, "0.0000"),
                measured is not null ? $"the student's mean answer length ({F(answer, "0.0")} tokens, {how}) / tokens per second" : "the references' mean answer length / tokens per second"));
            return answer / tps;
        }
        if (measured is null)
            throw new InputException($"no student throughput: export/{StudentThroughput.FileName} is written by the export stage's parity check (export.formats with gguf); "
                + "measure now with `llamaduo cost RUN --measure`, or give a machine's figure with --tokens-per-second", folder.ExportDir);
        inputs.Add(new("student throughput", string.Create(CultureInfo.InvariantCulture,
            $"{measured.TokensPerSecond:0.#} tokens/s, {measured.SecondsPerRequest:0.0000} s per request ({measured.Requests} requests, {measured.CompletionTokens} answer tokens in {measured.Seconds:0.00} s)"),
            $"{how}, {measured.MeasuredAt:yyyy-MM-dd HH:mm} UTC, {measured.Engine} on {measured.Machine}, {measured.Model}, one request at a time"));
        return measured.SecondsPerRequest;
    }

    static string F(double x, string format) => x.ToString(format, CultureInfo.InvariantCulture);
}
