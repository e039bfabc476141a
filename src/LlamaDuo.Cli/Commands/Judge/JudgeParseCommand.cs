using System.ComponentModel;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Judge.MtBench;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Judge;

/// <summary>Options of `llamaduo judge parse`.</summary>
internal sealed class JudgeParseSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("A judge log: JSONL, one reply per line in a string field.")]
    public string File { get; init; } = "";

    [CommandOption("--format <FORMAT>")]
    [Description("llamaduo (our JSON verdict: similarity and precision, 1-100) or mt-bench (\"Rating: [[n]]\", 1-10).")]
    public string Format { get; init; } = "";

    [CommandOption("--field <NAME>")]
    [Description("The field that holds the reply (default: reply; MT-Bench judgement files use judgment).")]
    public string Field { get; init; } = "reply";
}

/// <summary>
/// `llamaduo judge parse --format llamaduo|mt-bench [--field NAME] FILE.jsonl`: the judge parsers as a black box.
/// One JSON object per input line, <c>{"line": N, "scores": {...}}</c> or <c>{"line": N, "diagnostic": "..."}</c>,
/// then <c>parsed=N diagnosed=N</c>. Teams audit a judge log with it; the parser never invents a score.
/// </summary>
internal sealed class JudgeParseCommand : Command<JudgeParseSettings>
{
    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override int Execute(CommandContext context, JudgeParseSettings settings, CancellationToken cancellationToken)
    {
        bool mtBench = settings.Format switch
        {
            "llamaduo" => false,
            "mt-bench" => true,
            _ => throw new InputException("pass --format llamaduo or --format mt-bench", field: "--format", value: settings.Format),
        };
        var replies = JudgeReplyFile.Read(settings.File, settings.Field);
        int parsed = 0, diagnosed = 0;
        foreach (var (line, reply) in replies)
        {
            var (scores, diagnostic) = Parse(reply, mtBench);
            if (scores is not null) parsed++; else diagnosed++;
            Console.WriteLine(scores is not null
                ? JsonSerializer.Serialize(new { line, scores }, Json)
                : JsonSerializer.Serialize(new { line, diagnostic }, Json));
        }
        Console.WriteLine($"parsed={parsed} diagnosed={diagnosed}");
        return 0;
    }

    /// <summary>The scores as printed (mt-bench: rating; llamaduo: similarity and precision), or the diagnostic.</summary>
    static (object? Scores, string? Diagnostic) Parse(string? reply, bool mtBench)
    {
        if (mtBench)
            return MtBenchRatingParser.TryParse(reply, out var rating, out var why) ? (new { rating }, null) : (null, why);
        return JudgeReplyParser.TryParse(reply, out var s, out var error)
            ? (new { similarity = s!.Similarity, precision = s.Precision }, null)
            : (null, error);
    }
}
