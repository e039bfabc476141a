using System.ClientModel;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.AI;
using OpenAI;

namespace LlamaDuo.Server.Tests;

/// <summary>Starts a real server on a free loopback port and hands out the official OpenAI client and a raw HttpClient.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    public const string ModelId = "fake-model";

    ServerHarness(LlamaDuoServer server, string? apiKey)
    {
        Server = server;
        ApiKey = apiKey;
        Http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public LlamaDuoServer Server { get; }
    public string? ApiKey { get; }
    public HttpClient Http { get; }

    public static async Task<ServerHarness> StartAsync(IChatClient client, ServerOptions? options = null, Func<ServedModel, ServedModel>? model = null)
    {
        options = (options ?? new ServerOptions()) with { Host = "127.0.0.1", Port = 0 };
        var served = new ServedModel(ModelId, client);
        if (model is not null) served = model(served);
        return new ServerHarness(await LlamaDuoServer.StartAsync(served, options), options.ApiKey);
    }

    public OpenAIClient OpenAI(string? key = null) => new(new ApiKeyCredential(key ?? ApiKey ?? "unused"),
        new OpenAIClientOptions { Endpoint = new Uri(Server.BaseUrl + "v1") });

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, CancellationToken ct = default) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), ct);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
