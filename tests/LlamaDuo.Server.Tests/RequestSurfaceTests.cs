using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace LlamaDuo.Server.Tests;

/// <summary>What the server refuses at its edge: rebinding Host names, fields it would otherwise ignore, wrong methods.</summary>
public sealed class RequestSurfaceTests
{
    static async Task<HttpResponseMessage> SendAsync(ServerHarness harness, HttpMethod method, string path, string? host = null, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (host is not null) request.Headers.Host = host;
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return await harness.Http.SendAsync(request);
    }

    const string Hi = """{"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task A_keyless_loopback_server_refuses_a_rebinding_host_with_403_and_serves_loopback_names_and_ip_literals()
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake);
        var port = harness.Server.BaseUrl.Port;

        foreach (var path in new[] { "/v1/models", "/health" })
        {
            using var refused = await SendAsync(harness, HttpMethod.Get, path, $"evil.example:{port}");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("host_not_allowed", body.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains("--allowed-host evil.example", body.RootElement.GetProperty("error").GetProperty("message").GetString());
        }
        using (var post = await SendAsync(harness, HttpMethod.Post, "/v1/chat/completions", "evil.example", Hi))
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(0, fake.Calls);

        foreach (var host in new[] { $"localhost:{port}", $"127.0.0.1:{port}", $"[::1]:{port}", "LOCALHOST", "api.localhost" })
        {
            using var served = await SendAsync(harness, HttpMethod.Get, "/v1/models", host);
            Assert.True(served.StatusCode == HttpStatusCode.OK, $"{host}: {served.StatusCode}");
        }
    }

    [Fact]
    public async Task Allowed_hosts_extend_the_list()
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient(), new ServerOptions { AllowedHosts = ["gpu-box.lan", "*.example.org"] });

        foreach (var (host, expected) in new[] { ("gpu-box.lan", HttpStatusCode.OK), ("a.example.org", HttpStatusCode.OK),
                     ("example.org.evil.example", HttpStatusCode.Forbidden), ("gpu-box.lan.evil.example", HttpStatusCode.Forbidden) })
        {
            using var response = await SendAsync(harness, HttpMethod.Get, "/health", host);
            Assert.True(response.StatusCode == expected, $"{host}: {response.StatusCode}");
        }
        await using var any = await ServerHarness.StartAsync(new FakeChatClient(), new ServerOptions { AllowedHosts = ["*"] });
        using var anyHost = await SendAsync(any, HttpMethod.Get, "/health", "whatever.example");
        Assert.Equal(HttpStatusCode.OK, anyHost.StatusCode);
    }

    [Theory]
    [InlineData(""","tools":[{"type":"function","function":{"name":"f"}}]""", "tools")]
    [InlineData(",\"tool_choice\":\"required\"", "tool_choice")]
    [InlineData(""","functions":[{"name":"f"}]""", "functions")]
    [InlineData(""","logprobs":true""", "logprobs")]
    [InlineData(""","top_logprobs":3""", "top_logprobs")]
    [InlineData(""","response_format":{"type":"json_object"}""", "response_format")]
    [InlineData(""","presence_penalty":0.5""", "presence_penalty")]
    [InlineData(""","logit_bias":{"50256":-100}""", "logit_bias")]
    [InlineData(""","temprature":0""", "temprature")]
    [InlineData(""","top_k":40""", "top_k")]
    public async Task An_unsupported_or_unknown_field_is_a_400_naming_it(string field, string param)
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake);

        using var response = await harness.PostJsonAsync("/v1/chat/completions", Hi[..^1] + field + "}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("unsupported_parameter", error.GetProperty("code").GetString());
        Assert.Contains(param, error.GetProperty("message").GetString());
        Assert.Equal(0, fake.Calls);
    }

    [Theory]
    [InlineData(""","logprobs":false,"tools":[],"tool_choice":null,"response_format":{"type":"text"},"presence_penalty":0,"frequency_penalty":0,"user":"u1","metadata":{"a":"b"},"store":false""")]
    [InlineData(",\"parallel_tool_calls\":true,\"logit_bias\":{},\"modalities\":[\"text\"],\"service_tier\":\"auto\"")]
    public async Task Fields_at_their_no_op_value_and_labels_are_accepted(string fields)
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient());

        using var response = await harness.PostJsonAsync("/v1/chat/completions", Hi[..^1] + fields + "}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Completions_refuse_echo_and_logprobs_and_the_official_client_learns_tools_are_unsupported()
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake);
        foreach (var (json, param) in new[] { ("""{"prompt":"x","echo":true}""", "echo"), ("""{"prompt":"x","logprobs":2}""", "logprobs"),
                     ("""{"prompt":"x","best_of":3}""", "best_of") })
        {
            using var response = await harness.PostJsonAsync("/v1/completions", json);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains($"\"param\":\"{param}\"", await response.Content.ReadAsStringAsync());
        }

        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather for a city") } };
        var refused = await Assert.ThrowsAsync<ClientResultException>(() =>
            harness.OpenAI().GetChatClient(ServerHarness.ModelId).CompleteChatAsync([new UserChatMessage("weather?")], options));
        Assert.Equal(400, refused.Status);
        Assert.Contains("tools", refused.Message);
        Assert.Equal(0, fake.Calls);
    }

    [Theory]
    [InlineData("GET", "/v1/chat/completions", "POST")]
    [InlineData("PUT", "/v1/completions", "POST")]
    [InlineData("POST", "/v1/models", "GET")]
    [InlineData("DELETE", "/v1/models/fake-model", "GET")]
    [InlineData("POST", "/health", "GET")]
    public async Task A_wrong_method_on_a_known_route_is_405_with_allow(string method, string path, string allow)
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient());

        using var response = await SendAsync(harness, new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal([allow], response.Content.Headers.Allow);
        Assert.Contains("method_not_allowed", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_route_stays_404()
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient());
        using var response = await SendAsync(harness, HttpMethod.Get, "/v1/embeddings");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
