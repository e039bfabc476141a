using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;

namespace LlamaDuo.Pipeline.Tests.Config;

/// <summary>A key pasted into api_key_env (where the variable's name belongs) is refused by name and line, never echoed.</summary>
public class ApiKeyEnvTests
{
    [Theory]
    [InlineData("service", "sk-proj-Zx81kLmQ2vB7nT4yR9wE3uI6oP0aS5dF")]
    [InlineData("service", "AIzaSyD4kLmQ2vB7nT4yR9wE3uI6oP0aS5dF12")]
    [InlineData("inference", "hf_ZxkLmQ2vB7nT4yR9wE3uI6oP0aS5dF")]
    [InlineData("service", "Zx81kLmQ2vB7nT4yR9wE3uI6oP0aS5dF")]
    public void A_key_in_api_key_env_is_refused_without_being_shown(string section, string key)
    {
        var yaml = $"data:\n  path: rows.jsonl\n{section}:\n  api_key_env: {key}\n";
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse(yaml, "cfg.yaml"));
        Assert.Contains($"cfg.yaml:4, field '{section}.api_key_env'", e.Message);
        Assert.Contains("looks like an API key", e.Message);
        Assert.DoesNotContain(key, e.Message);
        Assert.DoesNotContain(key[..8], e.ToString());
    }

    [Theory]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("my_team_key")]
    [InlineData("TOGETHER_API_KEY_2")]
    public void A_variable_name_is_accepted(string name) =>
        Assert.Equal(name, LlamaDuoConfig.Parse($"data:\n  path: rows.jsonl\nservice:\n  api_key_env: {name}\n").Service.ApiKeyEnv);
}
