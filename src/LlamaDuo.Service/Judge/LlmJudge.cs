using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// Scores rows with a service LLM behind any <see cref="IChatClient"/>: our prompt (<see cref="JudgePrompt"/>),
/// M rounds per row, each a separate call with its own seed, strict parsing (<see cref="JudgeReplyParser"/>). A reply
/// that does not parse is re-asked within a stated budget; that is the only retry here. Transport retries, rate limits,
/// caching and cost accounting belong to the client's middleware. Failures become diagnostics on the row; only
/// cancellation escapes.
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

    /// <summary>
    /// One round: ask, parse, and re-ask with a new seed while the reply is a parse diagnostic, up to
    /// <see cref="LlmJudgeOptions.MaxParseRetries"/> times. Every diagnostic is kept on the call. A failed call is not
    /// retried here: the service middleware is the one retry layer for transport faults and has already given up.
    /// </summary>
    async Task<JudgeCall> RoundAsync(IReadOnlyList<ChatMessage> messages, int round, CancellationToken ct)
    {
        var diagnostics = new List<string>();
        string? reply = null;
        for (int attempt = 0; attempt <= _options.MaxParseRetries; attempt++)
        {
            await _gate.WaitAsync(ct);
            try
            {
                var response = await _client.GetResponseAsync(messages, CallOptions(round, attempt), ct);
                reply = response.Text;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (Exception ex)
            {
                string error = $"call failed: {ex.GetType().Name}: {ex.Message}";
                return new JudgeCall(round, attempt + 1, null, error, null) { Diagnostics = [.. diagnostics, error] };
            }
            finally { _gate.Release(); }

            if (JudgeReplyParser.TryParse(reply, out var scores, out var parseError))
                return new JudgeCall(round, attempt + 1, scores, null, Shorten(reply)) { Diagnostics = diagnostics };
            diagnostics.Add($"attempt {attempt + 1}: unparseable reply: {parseError}");
        }
        return new JudgeCall(round, _options.MaxParseRetries + 1, null, diagnostics[^1], Shorten(reply)) { Diagnostics = diagnostics };
    }

    /// <summary>
    /// Each (round, attempt) gets its own seed so a response cache keyed on options keeps rounds apart and a retry
    /// does not get the cached bad reply back, while a rerun with the same base seed hits the cache.
    /// </summary>
    ChatOptions CallOptions(int round, int attempt) => new()
    {
        ModelId = _options.ModelId,
        Temperature = (float)_options.Temperature,
        MaxOutputTokens = _options.MaxOutputTokens,
        Seed = _options.Seed + round * 1000L + attempt,
        ResponseFormat = ChatResponseFormat.Json,
        AdditionalProperties = new AdditionalPropertiesDictionary { [StageProperty] = _options.StageLabel },
    };

    static string? Shorten(string? s) => s is null || s.Length <= 2000 ? s : s[..2000];
}
