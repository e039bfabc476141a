using LlamaDuo.Cli.Tests.Loop;
using LlamaDuo.Tests.Shared;

namespace LlamaDuo.Cli.Tests.Cost;

/// <summary>`llamaduo cost` as a user runs it, on a fixture run folder whose figures are worked out in <see cref="CostRunFixture"/>.</summary>
public class CostCommandTests
{
    [Fact]
    public async Task Prints_inputs_break_even_year_table_and_migration_spend()
    {
        using var temp = new RepoPaths.Temp();
        using (CostRunFixture.Create(temp.Path)) { }
        var run = Path.Combine(temp.Path, "20261207-020000-cost");
        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "cost", run, "--machine-price-per-hour", "0.36",
            "--requests-per-day", "1000", "--requests-per-day", "500000");
        Assert.True(code == 0, output);
        Assert.Contains("break-even: 128,000 requests/day", output);     // 24 x 0.36 / 0.0000675
        Assert.Contains("$3,154 (1 machine)", output);                     // 0.36 x 8760
        Assert.Contains("$6,307 (2 machines)", output);
        Assert.Contains("$117,000", output);
        Assert.Contains("synthesis $1.5 (1,500 tokens), judging $0.25 (1,000 tokens)", output);

        var (bad, error) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "cost", run, "--machine-price-per-hour", "0");
        Assert.Equal(2, bad);
        Assert.Contains("--machine-price-per-hour", error);
    }
}
