using LlamaDuo.Service.Providers;

namespace LlamaDuo.Service.Tests.Providers;

public class PriceTableTests
{
    [Theory]
    [InlineData("gpt-4o", 2.50, 10.00)]
    [InlineData("gpt-4o-2024-08-06", 2.50, 10.00)]
    [InlineData("gpt-4o-mini-2024-07-18", 0.15, 0.60)]
    [InlineData("gpt-4.1-mini", 0.40, 1.60)]
    [InlineData("claude-3-5-haiku-latest", 0.80, 4.00)]
    [InlineData("claude-sonnet-4-20250514", 3.00, 15.00)]
    [InlineData("gemini-2.5-flash", 0.30, 2.50)]
    [InlineData("llamaduo-demo-service", 0, 0)]
    public void Defaults_match_model_ids_by_longest_prefix(string model, double input, double output)
    {
        var price = PriceTable.Defaults.Find(model);
        Assert.NotNull(price);
        Assert.Equal((decimal)input, price.InputPerMillion);
        Assert.Equal((decimal)output, price.OutputPerMillion);
    }

    [Fact]
    public void Overrides_replace_defaults_and_cost_is_per_million_tokens()
    {
        var table = PriceTable.Defaults.With([KeyValuePair.Create("gpt-4o", PriceTable.ParseOverride("gpt-4o", "1.25/5"))]);
        Assert.Equal(1.25m + 2.5m, table.Find("gpt-4o")!.Cost(1_000_000, 500_000));
        Assert.Null(table.Find("some-local-model"));
    }
}
