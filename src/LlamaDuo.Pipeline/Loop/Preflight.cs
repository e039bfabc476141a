using System.ClientModel;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Before the first stage a process runs: one one-token call to every service the run will need (the service LLM
/// that judges and synthesizes, the second judge, the remote inference engine). An endpoint that cannot be reached,
/// refuses the key (401/403) or does not know the model (404, 400) stops the run there, with the config key to fix,
/// instead of after an hour of training and thousands of failed calls. A busy service (429, 5xx) only warns: the
/// stages retry. The call is never answered from the cache and gets one retry at most. A service in batch mode is
/// not checked (one call would be a batch of its own).
/// </summary>
static class Preflight
{
    /// <summary>How long the whole check of one service may take.</summary>
    static readonly TimeSpan Limit = TimeSpan.FromSeconds(45);

    public static async Task RunAsync(LoopContext ctx, ServiceClient? secondJudge, CancellationToken ct)
    {
        var config = ctx.Config;
        // A programmatic judge with a single round never calls the service (no LLM judge, no synthesis).
        if (ConfigMapping.Programmatic(config) is null || config.Loop.MaxRounds > 1)
            await CheckAsync(ctx, "service", ctx.Service, "service", ct);
        if (secondJudge is not null)
            await CheckAsync(ctx, "second judge", secondJudge, "judge.second_judge", ct);
        if (config.Inference.Engine == InferenceEngine.Remote)
            await CheckRemoteAsync(ctx, config.Inference, ct);
    }

    static async Task CheckAsync(LoopContext ctx, string what, ServiceClient service, string section, CancellationToken ct)
    {
        var o = service.Options;
        var where = $"{what} ({o.ProviderName} '{o.Model}' at {(o.ResolvedBaseUrl.Length > 0 ? o.ResolvedBaseUrl : "its default URL")})";
        if (o.Batch.Enabled)
        {
            // One call in batch mode is a one-request batch that may wait for hours; the batch client reports its own errors.
            ctx.Log.WriteLine($"[preflight] {where}: batch mode, not checked");
            return;
        }
        var options = new ChatOptions { MaxOutputTokens = 1 }
            .WithCacheVariant($"preflight-{Guid.NewGuid():N}").WithMaxRetries(1).WithStage(LoopStage.Preflight.Name());
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Limit);
        try
        {
            await service.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Reply with one word: ok")], options, limit.Token);
            ctx.Log.WriteLine($"[preflight] {where}: answers");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Stop(ctx, where, $"no answer within {Limit.TotalSeconds:0} s", $"{section}.base_url", o.ResolvedBaseUrl);
        }
        catch (ServiceCallException e)
        {
            switch (e.StatusCode)
            {
                case null:
                    throw Stop(ctx, where, e.Transient ? $"cannot be reached: {e.Message}" : $"failed: {e.Message}", $"{section}.base_url", o.ResolvedBaseUrl);
                case 401 or 403:
                    throw Stop(ctx, where, $"refused the key (HTTP {e.StatusCode}): check the variable {o.ResolvedApiKeyEnv ?? "(none)"}; {e.Message}",
                        $"{section}.api_key_env", o.ResolvedApiKeyEnv);
                case 404 or 400:
                    throw Stop(ctx, where, $"does not accept the model or the request (HTTP {e.StatusCode}): {e.Message}", $"{section}.model", o.Model);
                default:
                    ctx.Log.WriteLine($"[preflight] {where}: busy or failing ({e.Message}); going on, the stages retry");
                    break;
            }
        }
    }

    /// <summary>The remote engine may load the round's adapter only after training, so an unknown model only warns.</summary>
    static async Task CheckRemoteAsync(LoopContext ctx, InferenceOptions inf, CancellationToken ct)
    {
        var where = $"remote inference engine ('{inf.Model}' at {inf.BaseUrl})";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Limit);
        using var client = ctx.RemoteStudent(inf);
        try
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Reply with one word: ok")], new ChatOptions { MaxOutputTokens = 1, ModelId = inf.Model }, limit.Token);
            ctx.Log.WriteLine($"[preflight] {where}: answers");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Stop(ctx, where, $"no answer within {Limit.TotalSeconds:0} s", "inference.base_url", inf.BaseUrl);
        }
        catch (ClientResultException e) when (e.Status is 401 or 403)
        {
            throw Stop(ctx, where, $"refused the key (HTTP {e.Status}): check the variable {inf.ApiKeyEnv ?? "(none set: inference.api_key_env)"}",
                "inference.api_key_env", inf.ApiKeyEnv);
        }
        catch (ClientResultException e) when (e.Status is 404 or 400)
        {
            ctx.Log.WriteLine($"[preflight] {where}: does not serve the model yet (HTTP {e.Status}); going on, as a server that loads each round's adapter would");
        }
        catch (ClientResultException e) when (e.Status == 0 || e.InnerException is HttpRequestException)
        {
            throw Stop(ctx, where, $"cannot be reached: {e.Message}", "inference.base_url", inf.BaseUrl);
        }
        catch (HttpRequestException e)
        {
            throw Stop(ctx, where, $"cannot be reached: {e.Message}", "inference.base_url", inf.BaseUrl);
        }
        catch (ClientResultException e)
        {
            ctx.Log.WriteLine($"[preflight] {where}: busy or failing (HTTP {e.Status}); going on");
        }
    }

    static InputException Stop(LoopContext ctx, string where, string problem, string field, string? value) =>
        new($"preflight: the {where} {problem}. Stopped before any stage ran; fix it, then run the same command again "
            + $"(or llamaduo run --run-dir {ctx.Folder.Root} --resume)", field: field, value: value);
}
