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
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(user, request)));
        var rng = new Random(BitConverter.ToInt32(hash, 0) & int.MaxValue);
        int count = Math.Clamp(request.Count, 0, 200);
        if (request.Conversations) return Conversations(request, count, rng, hash);

        List<(string Instruction, string Response)> pairs;
        var seeds = request.Pairs;
        if (seeds.Count > 0 && seeds.All(s => StoryTask.LooksLikePrompt(s.Instruction)))
        {
            var rows = StoryTask.Generate(count, rng.Next(), SlotCoverage.Full, seeds.Select(s => s.Instruction));
            pairs = rows.Select(r => (r.Prompt, r.Response)).ToList();
        }
        else
        {
            pairs = Enumerable.Range(0, count).Select(k =>
            {
                var (instruction, response) = seeds.Count == 0 ? ("Say hello.", "Hello.") : seeds[rng.Next(seeds.Count)];
                return (Instruction: $"{instruction} (demo variation {k + 1})", Response: response);
            }).ToList();
        }
        var json = JsonSerializer.Serialize(pairs.Select(p => new { instruction = p.Instruction, response = p.Response }),
            new JsonSerializerOptions { WriteIndented = true });
        return hash[1] % 2 == 0 ? json : $"Here are {count} new pairs:\n```json\n{json}\n```";
    }

    /// <summary>
    /// What the RNG is seeded from: the prompt with its pair examples written with default JSON escaping (the first
    /// prompt version's), so the readable-text change of the prompt does not change the demo's rows and the
    /// quickstart's figures stay comparable.
    /// </summary>
    static string Canonical(string user, SynthesisRequest request)
    {
        if (request.Conversations) return user;
        var seeds = request.Pairs.Select((p, i) => LlamaDuo.Core.Data.ChatExample.FromPair($"s{i}", p.Instruction, p.Response)).ToList();
        string legacy = SynthesisPrompt.ExamplesText(seeds, conversations: false, new JsonSerializerOptions { WriteIndented = true });
        return user[..request.ExamplesStart] + legacy + user[request.ExamplesEnd..];
    }

    /// <summary>Labelled variations of seed conversations (the demo cannot write real conversations; dedup drops most).</summary>
    static string Conversations(SynthesisRequest request, int count, Random rng, byte[] hash)
    {
        var rows = Enumerable.Range(0, count).Select(k =>
        {
            var seed = request.Seeds[rng.Next(request.Seeds.Count)];
            int firstUser = seed.ToList().FindIndex(t => t.Role == "user");
            var messages = seed.Select((t, i) => new { role = t.Role, content = i == firstUser ? $"{t.Content} (demo variation {k + 1})" : t.Content });
            return new { messages };
        });
        var json = JsonSerializer.Serialize(rows, SynthesisPrompt.ExampleJson);
        return hash[1] % 2 == 0 ? json : $"Here are {count} new conversations:\n```json\n{json}\n```";
    }
}
