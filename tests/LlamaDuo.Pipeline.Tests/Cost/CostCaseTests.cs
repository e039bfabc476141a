using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Cost;
using LlamaDuo.Pipeline.Report;
using LlamaDuo.Tests.Shared;

namespace LlamaDuo.Pipeline.Tests.Cost;

/// <summary>The cost case's arithmetic against values worked out by hand (see each comment), and the builder on a fixture run folder.</summary>
public class CostCaseTests
{
    static readonly MachinePrice ThirtySixCents = MachinePrice.Rented(0.36m, "test");

    static CostCase Case(decimal servicePerRequest, double seconds, params long[] loads) =>
        new(servicePerRequest, seconds, ThirtySixCents, new MigrationSpend(1.50m, 1500, 0.25m, 1000, 0m, 1800), loads, []);

    [Fact]
    public void Per_request_year_and_break_even_match_hand_computed_values()
    {
        var c = Case(0.0000675m, 0.2, 1_000, 500_000);
        Assert.Equal(0.00002m, c.StudentDollarsPerRequest);           // 0.2 s x $0.36/h / 3600
        Assert.Equal(432_000, c.RequestsPerMachineDay, 6);            // 86400 / 0.2
        Assert.Equal(128_000, c.BreakEvenRequestsPerDay!.Value, 6);   // 24 x 0.36 / 0.0000675
        Assert.Equal(128_000, c.CheaperAtEveryVolumeFrom!.Value, 6);  // c_v / c_s = 3.375 >= 2: no later dip
        var light = c.Year(1_000);
        Assert.Equal(24.6375m, light.Service);                        // 1000 x 365 x 0.0000675
        Assert.Equal(3153.60m, light.Student);                        // 1 machine x 0.36 x 8760
        var heavy = c.Year(500_000);
        Assert.Equal(2, heavy.Machines);                              // ceil(500000 x 0.2 / 86400) = ceil(1.157)
        Assert.Equal(12318.75m, heavy.Service);
        Assert.Equal(6307.20m, heavy.Student);
        Assert.Equal(0.18m, c.Migration.TrainingDollars(ThirtySixCents)); // 1800 s = 0.5 h x 0.36
        Assert.Equal(1.93m, c.Migration.Total(ThirtySixCents));
        Assert.Equal((double)(1.93m / ((12318.75m - 6307.20m) / 365m)), c.PaybackDays(500_000)!.Value, 9);
        Assert.Null(c.PaybackDays(1_000));                            // the service is cheaper at 1,000 a day
    }

    [Fact]
    public void A_second_machine_bought_early_moves_the_every_volume_point()
    {
        // c_v = $0.00003, c_s = $0.00002: ratio 1.5. One machine pays from 24 x 0.36 / 0.00003 = 288,000 a day, but
        // just past its capacity (432,000) two machines cost $17.28 a day against $12.96: the student is cheaper at
        // every volume only from 2 x 288,000 = 576,000 (n / (n - 1) > 1.5 holds for n = 2 only).
        var c = Case(0.00003m, 0.2);
        Assert.Equal(288_000, c.BreakEvenRequestsPerDay!.Value, 6);
        Assert.Equal(576_000, c.CheaperAtEveryVolumeFrom!.Value, 6);
        Assert.True(c.Year(432_001).Student > c.Year(432_001).Service);
        Assert.True(c.Year(576_000).Student <= c.Year(576_000).Service);
        Assert.Contains("cheaper at every volume from 576,000", CostLines.BreakEven(c));
    }

    [Fact]
    public void No_break_even_when_the_service_is_cheaper_per_request()
    {
        var c = Case(0.00001m, 0.2); // c_s = 0.00002
        Assert.Null(c.BreakEvenRequestsPerDay);
        Assert.StartsWith("break-even: none", CostLines.BreakEven(c));
    }

    [Fact]
    public void Owned_hardware_is_amortised_plus_power()
    {
        var owned = MachinePrice.Owned(2628m, 3m, 100m, 0.2m, "test");
        Assert.Equal(0.12m, owned.PerHour); // 2628 / (3 x 8760) = 0.10, plus 0.1 kW x $0.2 = 0.02
    }

    [Fact]
    public void Builder_reads_tokens_prices_throughput_and_ledger_of_a_run_folder()
    {
        using var dir = new TempDir();
        using var store = CostRunFixture.Create(dir.Path);
        var c = CostCaseBuilder.Build(store, new CostOptions { Machine = ThirtySixCents });
        Assert.Equal(CostRunFixture.ServicePerRequest, c.ServiceDollarsPerRequest); // 11 prompt + 4 answer tokens at gpt-4o
        Assert.Equal(CostRunFixture.SecondsPerRequest, c.StudentSecondsPerRequest, 9);
        Assert.Equal(1.50m, c.Migration.SynthesisDollars);
        Assert.Equal(1500, c.Migration.SynthesisTokens);
        Assert.Equal(0.25m, c.Migration.JudgingDollars);
        Assert.Null(c.RepricedAs);
        Assert.Contains(c.Inputs, i => i.Name == "student throughput" && i.Source.Contains("recorded in export/throughput.json by the export stage's parity check"));
        Assert.Contains(c.Inputs, i => i.Name == "prompt tokens per request" && i.Value == "11.0");

        var batch = CostCaseBuilder.Build(store, new CostOptions { Machine = ThirtySixCents, Batch = true });
        Assert.Equal(CostRunFixture.ServicePerRequest / 2, batch.ServiceDollarsPerRequest);

        // Another machine's throughput: the recorded mean answer (30 tokens / 10 requests = 3) at 15 tokens/s is 0.2 s.
        var named = CostCaseBuilder.Build(store, new CostOptions { Machine = ThirtySixCents, TokensPerSecond = 15 });
        Assert.Equal(0.2, named.StudentSecondsPerRequest, 9);
    }

    [Fact]
    public void A_free_stand_in_is_priced_as_gpt_4o_and_says_so()
    {
        using var dir = new TempDir();
        using var store = CostRunFixture.Create(dir.Path, "service: {provider: demo, model: llamaduo-demo-service}");
        var c = CostCaseBuilder.Build(store, new CostOptions());
        Assert.Equal(CostRunFixture.ServicePerRequest, c.ServiceDollarsPerRequest);
        Assert.Equal("gpt-4o", c.ServiceModel);
        Assert.NotNull(c.RepricedAs);
        Assert.Contains(c.Inputs, i => i.Source.Contains("demo stand-in is free"));
        Assert.Contains("the same 2,500 service tokens at gpt-4o list prices: $0.0115", CostLines.Migration(c)); // (1800 x 2.5 + 700 x 10) / 1e6
    }

    [Fact]
    public void Missing_throughput_and_unknown_price_are_clear_errors()
    {
        using var dir = new TempDir();
        using var store = CostRunFixture.Create(dir.Path);
        File.Delete(Path.Combine(store.Folder.ExportDir, StudentThroughput.FileName));
        var e = Assert.Throws<InputException>(() => CostCaseBuilder.Build(store, new CostOptions()));
        Assert.Contains("--measure", e.Message);
        Assert.Contains("--tokens-per-second", e.Message);
        var p = Assert.Throws<InputException>(() => CostCaseBuilder.Build(store, new CostOptions { PriceAs = "no-such-model", TokensPerSecond = 10 }));
        Assert.Contains("--price-as", p.Message);
    }

    [Fact]
    public void Report_shows_the_cost_section_with_break_even_and_paper_figures()
    {
        using var dir = new TempDir();
        using var store = CostRunFixture.Create(dir.Path);
        var html = File.ReadAllText(RunReport.Write(store));
        Assert.Contains("<section id=\"cost\">", html);
        Assert.Contains("break-even: 35,840 requests/day", html); // 24 x 0.1008 / 0.0000675 = 35,840
        Assert.Contains("$23,400", html);
        Assert.Contains("$23,992", html);
        Assert.Contains("AWS m7i.large", html);
    }
}
