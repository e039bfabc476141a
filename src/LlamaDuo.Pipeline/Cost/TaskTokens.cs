using LlamaDuo.Core.Data;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Loop;
using Microsoft.ML.Tokenizers;

namespace LlamaDuo.Pipeline.Cost;

/// <summary>
/// What the service LLM would be sent and would answer for this task, per request: the mean prompt and answer tokens
/// over the run's own test rows (prompt = the conversation up to the reference, plus the task's system prompt; answer =
/// the reference). Counted with o200k_base, GPT-4o's tokenizer, with OpenAI's published chat overhead of 3 tokens per
/// message plus its role and 3 priming the reply. Other model families tokenize differently; the count is theirs
/// only approximately.
/// </summary>
internal sealed record TaskTokens(int Requests, double InputPerRequest, double OutputPerRequest)
{
    /// <summary>How the tokens were counted, for the inputs table.</summary>
    public const string Tokenizer = "o200k_base (GPT-4o's tokenizer) plus OpenAI's chat overhead of 3 tokens per message + role, 3 per reply";

    const int PerMessage = 3, PerReply = 3;

    static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForModel("gpt-4o"));

    /// <summary>Counts one test split; an empty split is an error (there is nothing to price).</summary>
    public static TaskTokens Count(IReadOnlyList<CoverageRow> test, string? systemPrompt)
    {
        if (test.Count == 0) throw new ArgumentException("the test split is empty: nothing to price", nameof(test));
        double input = 0, output = 0;
        foreach (var row in test)
        {
            var turns = StudentPrompt.Turns(row.Example);
            if (systemPrompt is not null && !turns.Any(t => t.Role == "system")) turns.Insert(0, new ChatTurn("system", systemPrompt));
            input += turns.Sum(t => PerMessage + Tokens(t.Role) + Tokens(t.Content)) + PerReply;
            output += Tokens(row.Example.Response ?? "");
        }
        return new TaskTokens(test.Count, input / test.Count, output / test.Count);
    }

    /// <summary>o200k_base tokens in a text.</summary>
    public static int Tokens(string text) => text.Length == 0 ? 0 : O200k.Value.CountTokens(text);
}
