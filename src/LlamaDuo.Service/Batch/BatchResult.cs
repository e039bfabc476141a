using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Batch;

/// <summary>The outcome of one request of an ended batch: a response, or an error with the provider's status code.</summary>
internal sealed record BatchResult(string CustomId, ChatResponse? Response, string? Error, int? StatusCode = null)
{
    /// <summary>True when the request was answered.</summary>
    public bool Succeeded => Response is not null;
}
