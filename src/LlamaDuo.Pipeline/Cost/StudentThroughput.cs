using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Pipeline.Cost;

/// <summary>
/// How fast the exported student answered this task's test prompts on one machine: export/throughput.json, written by
/// the export stage's parity check (the exported GGUF on llama.cpp, one request at a time) or by `llamaduo cost
/// --measure`. Wall time includes reading the prompt, so <see cref="SecondsPerRequest"/> is what one request costs.
/// </summary>
public sealed record StudentThroughput(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("machine")] string Machine,
    [property: JsonPropertyName("measured_by")] string MeasuredBy,
    [property: JsonPropertyName("measured_at")] DateTimeOffset MeasuredAt)
{
    /// <summary>The file's name inside export/.</summary>
    public const string FileName = "throughput.json";

    /// <summary>Wall seconds per request.</summary>
    [JsonIgnore] public double SecondsPerRequest => Seconds / Math.Max(1, Requests);

    /// <summary>Completion tokens per wall second.</summary>
    [JsonIgnore] public double TokensPerSecond => CompletionTokens / Math.Max(Seconds, 1e-9);

    /// <summary>The recorded measurement of a run, or null when none was recorded.</summary>
    public static StudentThroughput? Read(RunFolder folder)
    {
        var path = Path.Combine(folder.ExportDir, FileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<StudentThroughput>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new Core.Errors.InputException($"unreadable throughput record ({e.Message}); delete it or run `llamaduo cost --measure`", path); }
    }

    /// <summary>Saves the measurement as export/throughput.json.</summary>
    public void Write(RunFolder folder) =>
        AtomicFile.WriteAllText(Path.Combine(folder.ExportDir, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Times answers to <paramref name="test"/> (K each, one at a time) from <paramref name="client"/>, and returns them with the measurement.</summary>
    public static async Task<(StudentThroughput Throughput, List<Generation> Generations)> MeasureAsync(IChatClient client, string model,
        IReadOnlyList<CoverageRow> test, InferenceOptions inference, int round, string measuredBy, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var generations = await ChatClientGeneration.RunAsync(client, test, inference with { Concurrency = 1 }, round, ct);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var record = new StudentThroughput(model, "llama.cpp", generations.Count, generations.Sum(g => (long)g.PromptTokens),
            generations.Sum(g => (long)g.CompletionTokens), seconds, MachineName(), measuredBy, DateTimeOffset.UtcNow);
        return (record, generations);
    }

    /// <summary>The CPU model and core count, so a figure is never read as another machine's.</summary>
    public static string MachineName()
    {
        string cpu = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { /* keep the architecture */ }
        return $"{cpu}, {Environment.ProcessorCount} cores";
    }
}
