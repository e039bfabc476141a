using System.ComponentModel;
using System.Reflection;
using LlamaDuo.Cli.Commands.Train;
using LlamaDuo.Pipeline.Config;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Tests.Cli;

/// <summary>
/// `llamaduo train`'s flags that mirror config keys show and use the defaults a config without overrides resolves to,
/// so the command and `llamaduo run` train the same recipe unless told otherwise.
/// </summary>
public class TrainFlagDefaultsTests
{
    [Fact]
    public void Flags_that_mirror_config_keys_default_to_the_config_defaults()
    {
        var config = LlamaDuoConfig.Parse("data:\n  path: rows.jsonl\n");
        var t = config.Student.Training;
        var l = config.Student.Lora;
        var mirrored = new Dictionary<string, object>
        {
            ["--epochs"] = t.Epochs, ["--lr"] = t.LearningRate, ["--warmup-ratio"] = t.WarmupRatio, ["--weight-decay"] = t.WeightDecay,
            ["--max-grad-norm"] = t.MaxGradNorm, ["--batch-size"] = t.BatchSize, ["--grad-accum"] = t.GradAccum,
            ["--max-len"] = t.MaxLen, ["--seed"] = t.Seed, ["--rank"] = l.Rank, ["--dropout"] = l.Dropout,
        };
        var shown = typeof(TrainSettings).GetProperties()
            .Where(p => p.GetCustomAttribute<CommandOptionAttribute>() is not null)
            .ToDictionary(p => p.GetCustomAttribute<CommandOptionAttribute>()!.LongNames.Single(), p => p.GetCustomAttribute<DefaultValueAttribute>()?.Value);

        foreach (var (flag, expected) in mirrored)
            Assert.True(Equals(shown[flag[2..]], expected), $"{flag} defaults to {shown[flag[2..]] ?? "nothing"}, the config to {expected}");
        // The flags whose default is not a constant (method, dtype, checkpointing, targets, alpha) default to nothing
        // and take the options record's default, which is the config's.
        foreach (var flag in new[] { "method", "dtype", "checkpointing", "targets", "alpha" }) Assert.Null(shown[flag]);
    }
}
