using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// Scores rows with a service LLM behind any <see cref="IChatClient"/>: our prompt (<see cref="JudgePrompt"/>),
/// M rounds per row, each a separate call with its own seed, lenient parsing, bounded retries. Failures become
/// diagnostics on the row; only cancellation escapes. Retries, rate limits, caching and cost accounting belong to
/// the client's middleware, not here.
/// </summary>
public sealed class LlmJudge : IRowJudge
{
    /// <summary>Key of the stage label in ChatOptions.AdditionalProperties.</summary>
    public const string StageProperty = "llamaduo.stage";

    readonly IChatClient _client;
    readonly LlmJudgeOptions _options;
    readonly SemaphoreSlim _gate;

    public LlmJudge(IChatClient client, LlmJudgeOptions? options = null, string? name = null)
    {
        _client = client;
        _options = options ?? new LlmJudgeOptions();
        if (_options.Rounds < 1) throw new ArgumentOutOfRangeException(nameof(options), "Rounds must be at least 1.");
        _gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentCalls));
        Name = name ?? $"llm:{_options.ModelId ?? "service"}";
    }

    public string Name { get; }

    public async Task<JudgedRow> JudgeAsync(JudgeItem item, CancellationToken cancellationToken = default)
    {
        var messages = JudgePrompt.Messages(item);
        var rounds = Enumerable.Range(0, _options.Rounds).Select(r => RoundAsync(messages, r, cancellationToken));
        var calls = await Task.WhenAll(rounds);
        return JudgedRow.FromCalls(item, Name, calls);
    }

    async Task<JudgeCall> RoundAsync(IReadOnlyList<ChatMessage> messages, int round, CancellationToken ct)
    {
        string? error = null, reply = null;
        int attempts = 0;
        while (attempts <= _options.MaxParseRetries)
        {
            attempts++;
            await _gate.WaitAsync(ct);
            try
            {
                var response = await _client.GetResponseAsync(messages, CallOptions(round, attempts - 1), ct);
                reply = response.Text;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (Exception ex)
            {
                // The middleware has already retried transport faults; what reaches here is recorded, not thrown.
                error = $"call failed: {ex.GetType().Name}: {ex.Message}";
                reply = null;
                continue;
            }
            finally { _gate.Release(); }

            if (JudgeReplyParser.TryParse(reply, out var scores, out var parseError))
                return new JudgeCall(round, attempts, scores, null, Shorten(reply));
            error = $"unparseable reply: {parseError}";
        }
        return new JudgeCall(round, attempts, null, error, Shorten(reply));
    }

    /// <summary>
    /// Each (round, attempt) gets its own seed so a response cache keyed on options keeps rounds apart and a retry
    /// does not get the cached bad reply back, while a rerun with the same base seed hits the cache.
    /// </summary>
    ChatOptions CallOptions(int round, int attempt) => new()
    {
        ModelId = _options.ModelId,
        Temperature = _options.Temperature,
        MaxOutputTokens = _options.MaxOutputTokens,
        Seed = _options.Seed + round * 1000L + attempt,
        ResponseFormat = ChatResponseFormat.Json,
        AdditionalProperties = new AdditionalPropertiesDictionary { [StageProperty] = _options.StageLabel },
    };

    static string? Shorten(string? s) => s is null || s.Length <= 2000 ? s : s[..2000];
}
