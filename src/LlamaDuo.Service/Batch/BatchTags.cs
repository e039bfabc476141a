namespace LlamaDuo.Service.Batch;

/// <summary>Keys a batch result carries in <c>ChatResponse.AdditionalProperties</c> (stripped before the cache stores it).</summary>
internal static class BatchTags
{
    /// <summary>The provider's batch id: the ledger prices a response that has it at the batch price.</summary>
    public const string BatchId = "llamaduo.batch_id";

    /// <summary>The batch id on a response, or null for a synchronous (or cached) one.</summary>
    public static string? BatchIdOf(Microsoft.Extensions.AI.ChatResponse response) =>
        response.AdditionalProperties?.TryGetValue(BatchId, out var id) == true ? id as string : null;
}
