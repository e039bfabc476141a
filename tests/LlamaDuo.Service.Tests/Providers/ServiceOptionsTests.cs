using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;

namespace LlamaDuo.Service.Tests.Providers;

public class ServiceOptionsTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Defaults_are_the_ones_the_config_documents()
    {
        // docs/pipeline.md "service" and docs/service.md list these; the YAML section binds onto this record.
        var o = new ServiceOptions();
        Assert.Equal((ServiceProvider.OpenAI, "gpt-4o", (string?)null, (string?)null), (o.Provider, o.Model, o.BaseUrl, o.ApiKeyEnv));
        Assert.Equal((500, 200_000, 8), (o.Limits.Rpm, o.Limits.Tpm, o.Limits.Concurrency));
        Assert.Equal((6, 120, true), (o.Retries, o.TimeoutSeconds, o.Cache));
        Assert.Equal(((double?)null, (double?)null), (o.Prices.InputPerMillion, o.Prices.OutputPerMillion));
        Assert.Equal((false, 30.0, 50_000, 2000, (double?)null), (o.Batch.Enabled, o.Batch.PollS, o.Batch.MaxRequests, o.Batch.WindowMs, o.Batch.PriceFactor));
    }

    [Fact]
    public void Unknown_provider_lists_the_valid_ones()
    {
        var e = Assert.Throws<InputException>(() => new ServiceOptions { Provider = (ServiceProvider)99 }.Validate(Env()));
        Assert.Equal("provider", e.Field);
        foreach (var name in ServiceProviders.All) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Missing_key_variable_is_named_and_the_key_never_comes_from_config()
    {
        var e = Assert.Throws<InputException>(() => new ServiceOptions { Provider = ServiceProvider.Anthropic, Model = "claude-sonnet-4-20250514" }.Validate(Env()));
        Assert.Contains("ANTHROPIC_API_KEY", e.Message);
        var custom = Assert.Throws<InputException>(() => new ServiceOptions { Provider = ServiceProvider.OpenAI, Model = "gpt-4o", ApiKeyEnv = "MY_TEAM_KEY" }.Validate(Env()));
        Assert.Contains("MY_TEAM_KEY", custom.Message);
        Assert.Equal("sk-test", new ServiceOptions { Provider = ServiceProvider.OpenAI, Model = "gpt-4o", ApiKeyEnv = "MY_TEAM_KEY" }.Validate(Env(("MY_TEAM_KEY", "sk-test"))));
    }

    [Fact]
    public void Malformed_price_and_bad_numbers_are_named()
    {
        var price = Assert.Throws<InputException>(() => new ServiceOptions
        {
            Provider = ServiceProvider.Demo, BaseUrl = "http://127.0.0.1:1/v1", Prices = new PriceOverride { InputPerMillion = 2.5, OutputPerMillion = -1 },
        }.Validate(Env()));
        Assert.Equal("prices.output_per_million", price.Field);
        Assert.Contains("-1", price.Message);
        Assert.Equal("limits.concurrency", Assert.Throws<InputException>(() => new ServiceOptions { Provider = ServiceProvider.Demo, BaseUrl = "http://127.0.0.1:1/v1", Limits = new ServiceLimits { Concurrency = 0 } }.Validate(Env())).Field);
        Assert.Equal("timeout_seconds", Assert.Throws<InputException>(() => new ServiceOptions { Provider = ServiceProvider.Demo, BaseUrl = "http://127.0.0.1:1/v1", TimeoutSeconds = 0 }.Validate(Env())).Field);
        Assert.Equal("base_url", Assert.Throws<InputException>(() => new ServiceOptions { Provider = ServiceProvider.OpenAICompatible }.Validate(Env())).Field);
        Assert.Equal("base_url", Assert.Throws<InputException>(() => new ServiceOptions { Provider = ServiceProvider.Demo, BaseUrl = "localhost:8000" }.Validate(Env())).Field);
    }

    [Fact]
    public void Gemini_defaults_to_its_openai_compatible_endpoint_and_key_variable()
    {
        var options = new ServiceOptions { Provider = ServiceProvider.Gemini, Model = "gemini-2.5-flash" };
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/openai/", options.ResolvedBaseUrl);
        Assert.Equal("GEMINI_API_KEY", options.ResolvedApiKeyEnv);
    }

    [Fact]
    public void A_bad_config_fails_before_any_request_is_made()
    {
        using var stub = new StubServer((_, _) => OpenAiReplies.Ok());
        Assert.Throws<InputException>(() => ServiceClientFactory.Create(
            new ServiceOptions { Provider = ServiceProvider.OpenAI, Model = "gpt-4o", BaseUrl = stub.BaseUrl + "/v1", ApiKeyEnv = "LLAMADUO_TEST_UNSET_KEY" },
            new ServiceClientParts { Environment = Env() }));
        Assert.Empty(stub.Requests);
    }
}
