namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Every call of a stage failed at the transport level: the service is down, unreachable or refusing the key. The
/// stage is marked failed (nothing half-written), so `--resume` runs it again once the cause is fixed; carrying on
/// would only train again on nothing new.
/// </summary>
internal sealed class ServiceUnreachableException(string message) : Exception(message)
{
    public static void ThrowIfAllFailed(LoopContext ctx, string stage, IReadOnlyList<string?> errors, bool nothingSucceeded)
    {
        if (!nothingSucceeded || errors.Count == 0 || errors.Any(e => e is null || !e.StartsWith("call failed", StringComparison.Ordinal))) return;
        var url = ctx.Service.Options.ResolvedBaseUrl;
        throw new ServiceUnreachableException(
            $"every {stage} call to the service failed ({ctx.Service.Options.ProviderName} {ctx.Service.Options.Model} at {(url.Length > 0 ? url : "its default URL")}); "
            + $"first error: {errors[0]}. Fix the service or its key, then continue with: llamaduo run --run-dir {ctx.Folder.Root} --resume");
    }
}
