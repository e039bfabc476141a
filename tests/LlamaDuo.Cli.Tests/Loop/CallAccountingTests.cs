using System.Text.Json;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// kill -9 in the middle of the judge stage, at a deterministic point: 20 judge calls answered, the next ones held
/// by the service (in flight). run.db must already hold every answered call with its cost (as ledger.jsonl does),
/// and after --resume the calls cut off by the kill are in both records as interrupted: the two reconcile.
/// </summary>
public class CallAccountingTests
{
    const int Answered = 20;

    [Fact]
    public async Task Calls_reach_run_db_as_answered_and_calls_in_flight_at_a_kill_are_reconciled_on_resume()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 48), io); // the held requests block service threads
        using var temp = new RepoPaths.Temp();
        var gate = new JudgeGate(new DemoJudgeResponder(), Answered);
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [gate, new DemoSynthesisResponder()]);
        var config = Priced(demo.BaseUrl);
        var configPath = Path.Combine(temp.Path, "config.yaml");
        File.WriteAllText(configPath, config.ToYaml());
        var run = Path.Combine(temp.Path, "run");
        var ledgerPath = Path.Combine(run, "ledger.jsonl");

        try
        {
            await CliProcess.KillWhenAsync(temp.Path, async _ =>
            {
                await gate.Holding.Task;
                // The answers are in the ledger by now or soon; run.db must follow each one at once, not at stage end.
                // The preflight call is paid too (stage "preflight"): count the judge's calls.
                await Until(() => Ledger(ledgerPath).Count(e => e.Stage == "judge") == Answered);
                int paid = Ledger(ledgerPath).Count(e => e.Ok);
                await Until(() => OkCalls(run) == paid, TimeSpan.FromSeconds(15), mustHappen: false);
            }, TimeSpan.FromMinutes(4), "run", configPath, "--run-dir", run);
        }
        finally { gate.Open(); }

        var ledger = Ledger(ledgerPath);
        using (var store = RunStore.Open(run))
        {
            Assert.Equal(ledger.Count(e => e.Ok), store.Calls().Count(c => c.Status == "ok"));
            Assert.Equal(ledger.Sum(e => e.Dollars), store.TotalSpend().Dollars, 6);
            Assert.True(ledger.Sum(e => e.Dollars) > 0);
        }

        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(4), "run", "--run-dir", run, "--resume");
        Assert.True(code == 3, output); // as an uninterrupted run ends: one round, below the (unreachable) rule
        Assert.Contains("in flight when the last process stopped", output);

        ledger = Ledger(ledgerPath);
        using (var store = RunStore.Open(run))
        {
            var calls = store.Calls();
            Assert.Equal(ledger.Select(e => e.Id).Order(), calls.Select(c => c.Id).Order());
            Assert.DoesNotContain(calls, c => c.Status == "in_flight");
            int interrupted = calls.Count(c => c.Status == "interrupted");
            Assert.Equal(ledger.Count(e => e.Error?.StartsWith("interrupted", StringComparison.Ordinal) == true), interrupted);
            Assert.InRange(interrupted, gate.HeldAtKill, 16); // every held request, plus any sent but not yet arrived
            Assert.Equal(ledger.Sum(e => e.Dollars), store.TotalSpend().Dollars, 6);
        }
        var (statusCode, status) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "status", run);
        Assert.True(statusCode == 0, status);
        Assert.Contains($"${ledger.Sum(e => e.Dollars):0.00}", status);
    }

    /// <summary>The fast quickstart loop, one round that cannot pass, no export, and a price so every call costs.</summary>
    static LlamaDuoConfig Priced(string baseUrl)
    {
        var c = QuickstartConfig.Fast(baseUrl);
        return c with
        {
            Service = c.Service with { Prices = new PriceOverride { InputPerMillion = 1000, OutputPerMillion = 1000 } },
            Judge = c.Judge with { Pass = c.Judge.Pass with { MinSimilarity = 100, MinPrecision = 100 } },
            Loop = c.Loop with { MaxRounds = 1 },
            Export = c.Export with { Formats = [] },
        };
    }

    sealed record Entry(string? Id, string Stage, bool Ok, double Dollars, string? Error);

    /// <summary>ledger.jsonl as written (parsed here, independently of the ledger class).</summary>
    static List<Entry> Ledger(string path)
    {
        if (!File.Exists(path)) return [];
        var list = new List<Entry>();
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            list.Add(new Entry(e.TryGetProperty("id", out var id) ? id.GetString() : null, e.GetProperty("stage").GetString()!, e.GetProperty("ok").GetBoolean(),
                e.GetProperty("dollars").ValueKind == JsonValueKind.Number ? e.GetProperty("dollars").GetDouble() : 0,
                e.GetProperty("error").GetString()));
        }
        return list;
    }

    static int OkCalls(string run)
    {
        if (!File.Exists(Path.Combine(run, "run.db"))) return 0;
        using var store = RunStore.Open(run);
        return store.Calls().Count(c => c.Status == "ok");
    }

    static async Task Until(Func<bool> condition, TimeSpan? timeout = null, bool mustHappen = true)
    {
        var end = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (!condition())
        {
            if (DateTime.UtcNow > end)
            {
                if (mustHappen) throw new TimeoutException("condition not reached");
                return;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Answers the first <c>answered</c> judge calls, then holds every further one until <see cref="Open"/>.</summary>
    sealed class JudgeGate(IDemoResponder judge, int answered) : IDemoResponder
    {
        readonly ManualResetEventSlim _open = new(false);
        int _seen, _held;

        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Requests held when the gate opened (the CLI was killed before that).</summary>
        public int HeldAtKill { get; private set; }

        public string? TryRespond(IReadOnlyList<ChatMessage> messages)
        {
            var answer = judge.TryRespond(messages);
            if (answer is null || Interlocked.Increment(ref _seen) <= answered || _open.IsSet) return answer;
            Interlocked.Increment(ref _held);
            Holding.TrySetResult();
            _open.Wait(TimeSpan.FromMinutes(5));
            return answer;
        }

        public void Open()
        {
            HeldAtKill = Volatile.Read(ref _held);
            _open.Set();
        }
    }
}
