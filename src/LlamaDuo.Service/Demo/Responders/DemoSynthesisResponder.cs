using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Synthesis;
using LlamaDuo.Service.Tasks;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Demo.Responders;

/// <summary>
/// STAND-IN, NOT A LANGUAGE MODEL. Plays the service LLM's generator role for the offline quickstart: it recognises
/// our synthesis prompt (<see cref="SynthesisPrompt"/>), reads how many pairs are wanted and the seed examples, and
/// composes that many new pairs. When the seeds are story-task rows it writes fresh stories with
/// <see cref="StoryTask"/> over the FULL slot lists (the coverage set only uses half), which is what lets a later round
/// learn what round 0 could not. Other seeds get a labelled mechanical variation of a seed (the demo cannot write
/// real data for other tasks; dedup is expected to drop most of them). Deterministic per prompt (seeded by its sha256).
/// </summary>
public sealed class DemoSynthesisResponder : IDemoResponder
{
    public string? TryRespond(IReadOnlyList<ChatMessage> messages)
    {
        var user = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text;
        if (user is null || SynthesisPrompt.TryParse(user) is not { } request) return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(user));
        var rng = new Random(BitConverter.ToInt32(hash, 0) & int.MaxValue);
        int count = Math.Clamp(request.Count, 0, 200);

        List<(string Instruction, string Response)> pairs;
        if (request.Seeds.Count > 0 && request.Seeds.All(s => StoryTask.LooksLikePrompt(s.Instruction)))
        {
            var rows = StoryTask.Generate(count, rng.Next(), SlotCoverage.Full, request.Seeds.Select(s => s.Instruction));
            pairs = rows.Select(r => (r.Prompt, r.Response)).ToList();
        }
        else
        {
            pairs = Enumerable.Range(0, count).Select(k =>
            {
                var (instruction, response) = request.Seeds.Count == 0 ? ("Say hello.", "Hello.") : request.Seeds[rng.Next(request.Seeds.Count)];
                return (Instruction: $"{instruction} (demo variation {k + 1})", Response: response);
            }).ToList();
        }
        var json = JsonSerializer.Serialize(pairs.Select(p => new { instruction = p.Instruction, response = p.Response }),
            new JsonSerializerOptions { WriteIndented = true });
        return hash[1] % 2 == 0 ? json : $"Here are {count} new pairs:\n```json\n{json}\n```";
    }
}
