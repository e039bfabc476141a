using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Demo.Host;

namespace LlamaDuo.Service.Tests.Batch;

/// <summary>A process that dies while polling resumes by attaching to its batch, found in the journal, instead of paying again.</summary>
public class BatchResumeTests
{
    [Fact]
    public async Task A_new_client_attaches_to_the_batch_a_disposed_one_was_polling()
    {
        await using var demo = await BatchHarness.StartDemo(new DemoBatchOptions { StepMs = 700 });
        var journal = new MemoryBatchJournal();
        var options = BatchHarness.Options(demo);

        var first = BatchHarness.Client(options, journal);
        var abandoned = BatchHarness.EchoCalls(first.Chat, 10);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (journal.ListOpen().Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var record = Assert.Single(journal.ListOpen());
        Assert.Equal(BatchStatuses.Submitted, record.Status);
        Assert.Equal(10, record.CustomIds.Count);
        first.Dispose(); // the "crash": polling stops, callers are cancelled, the batch runs on at the provider
        Assert.All(await abandoned, r => Assert.IsAssignableFrom<OperationCanceledException>(r.Error));

        var progress = new List<string>();
        using var second = BatchHarness.Client(options, journal, progress);
        var results = await BatchHarness.EchoCalls(second.Chat, 10);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.All(results, r => Assert.Equal(record.Id, BatchTags.BatchIdOf(r.Response!)));
        Assert.Equal(1, demo.Stats.BatchesCreated);
        Assert.Contains(progress, l => l.Contains($"attaching to submitted batch {record.Id}"));
        Assert.Empty(journal.ListOpen());
        Assert.Equal(BatchStatuses.Consumed, Assert.Single(journal.All).Status);
    }

    [Fact]
    public async Task A_batch_the_provider_no_longer_knows_is_abandoned_and_its_requests_sent_again()
    {
        var journal = new MemoryBatchJournal();
        BatchRecord done;
        await using (var before = await BatchHarness.StartDemo())
        {
            using var client = BatchHarness.Client(BatchHarness.Options(before), journal);
            await BatchHarness.EchoCalls(client.Chat, 5);
            done = Assert.Single(journal.All);
        }
        // As if the process had died before handing the results out: the record is still open.
        journal.Upsert(done with { Status = BatchStatuses.Submitted });

        await using var after = await BatchHarness.StartDemo(); // a new server that never saw that batch
        using var again = BatchHarness.Client(BatchHarness.Options(after), journal);
        var results = await BatchHarness.EchoCalls(again.Chat, 5);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(1, after.Stats.BatchesCreated);
        Assert.Equal(BatchStatuses.Abandoned, journal.All.Single(r => r.Id == done.Id).Status);
        Assert.Empty(journal.ListOpen());
    }

    [Fact]
    public void The_jsonl_journal_reopens_with_the_last_state_of_each_batch_and_survives_a_torn_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llamaduo-journal-{Guid.NewGuid():N}.jsonl");
        try
        {
            var a = new BatchRecord("batch_a", "openai", "gpt-4o", "judge", BatchStatuses.Submitted, ["k1", "k2"], DateTimeOffset.UtcNow, null, null);
            var b = a with { Id = "batch_b", Created = a.Created.AddSeconds(1) };
            using (var journal = new JsonlBatchJournal(path))
            {
                journal.Upsert(a);
                journal.Upsert(b);
                journal.Upsert(b with { Status = BatchStatuses.Consumed });
            }
            File.AppendAllText(path, """{"id":"batch_c","provi""");
            using (var reopened = new JsonlBatchJournal(path))
            {
                var open = Assert.Single(reopened.ListOpen());
                Assert.Equal("batch_a", open.Id);
                Assert.Equal(["k1", "k2"], open.CustomIds);
                reopened.Upsert(a with { Status = BatchStatuses.Ended });
            }
            using var third = new JsonlBatchJournal(path);
            Assert.Equal(BatchStatuses.Ended, Assert.Single(third.ListOpen()).Status);
        }
        finally { File.Delete(path); }
    }
}
