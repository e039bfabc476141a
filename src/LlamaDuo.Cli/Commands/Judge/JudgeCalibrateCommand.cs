using System.ComponentModel;
using LlamaDuo.Pipeline.Calibration;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Providers;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Judge;

/// <summary>Options of `llamaduo judge calibrate`.</summary>
internal sealed class JudgeCalibrateSettings : CommandSettings
{
    [CommandArgument(0, "<CONFIG>")]
    [Description("The migration config whose judge is calibrated (service, judge.rounds, judge.pass).")]
    public string Config { get; init; } = "";

    [CommandOption("--labels <FILE>")]
    [Description("Human labels, JSONL: prompt or messages, reference, candidate, human (1-100 or \"pass\"/\"fail\").")]
    public string Labels { get; init; } = "";

    [CommandOption("--out <DIR>")]
    [Description("Where calibration.json, calibration.html, the response cache and the ledger go (default ./calibration; RUN/calibration adds a section to that run's report).")]
    public string Out { get; init; } = "calibration";
}

/// <summary>
/// `llamaduo judge calibrate CONFIG --labels FILE`: runs the configured judge on human-labelled rows and reports how
/// far to trust it (correlations, bias, pass/fail agreement and kappa, verbosity and off-target probes).
/// </summary>
internal sealed class JudgeCalibrateCommand : AsyncCommand<JudgeCalibrateSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JudgeCalibrateSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.Labels))
            throw new Core.Errors.InputException("pass the human labels: llamaduo judge calibrate CONFIG --labels FILE", field: "--labels");
        var config = LlamaDuoConfig.Load(settings.Config);
        var labels = LabelsFile.Read(settings.Labels);  // bad labels stop here, before any call is paid for
        string dir = Path.GetFullPath(settings.Out);
        Directory.CreateDirectory(dir);
        using var service = ServiceClientFactory.Create(config.Service,
            new ServiceClientParts { CachePath = Path.Combine(dir, "cache.db"), LedgerPath = Path.Combine(dir, "ledger.jsonl") });
        IRowJudge judge = ConfigMapping.Programmatic(config) is { } programmatic
            ? programmatic
            : new LlmJudge(service.Chat, ConfigMapping.LlmJudge(config, service.Options.Model), $"llm:{service.Options.Model}");
        var result = await JudgeCalibration.RunAsync(judge, config.Judge.Rounds, labels, config.Judge.Pass.MinSimilarity, config.Judge.Pass.MinPrecision,
            ConfigMapping.JudgeRun(config), line => Console.Error.WriteLine(line), cancellationToken);
        Console.Write(CalibrationReport.Table(result));
        var (json, html) = CalibrationReport.Write(result, dir);
        Console.WriteLine($"wrote {json} and {html}");
        return 0;
    }
}
