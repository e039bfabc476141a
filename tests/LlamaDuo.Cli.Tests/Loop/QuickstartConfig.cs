using LlamaDuo.Pipeline.Config;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>The shipped quickstart config cut down for fast loop tests: one epoch, one judge call per answer.</summary>
static class QuickstartConfig
{
    public static LlamaDuoConfig Fast(string serviceBaseUrl)
    {
        var config = LlamaDuoConfig.Load(RepoPaths.Quickstart("config.yaml"));
        return config with
        {
            Service = config.Service with { BaseUrl = serviceBaseUrl },
            Student = config.Student with { Training = config.Student.Training with { Epochs = 1 } },
            Judge = config.Judge with { Rounds = 1 },
        };
    }
}
