using LlamaDuo.Core.Errors;
using LlamaDuo.Core.Threading;

namespace LlamaDuo.Models.Tests.Threading;

// One class: FirstThread's served state is process-wide, and xunit runs a class's tests one at a time.
public sealed class FirstThreadTests
{
    [Fact]
    public void While_served_work_runs_on_the_serving_thread_and_the_app_elsewhere()
    {
        var serving = Environment.CurrentManagedThreadId;
        int appThread = 0, workThread = 0;
        var result = FirstThread.Serve(() =>
        {
            appThread = Environment.CurrentManagedThreadId;
            Assert.True(FirstThread.IsServed);
            return FirstThread.RunAsync(() => { workThread = Environment.CurrentManagedThreadId; return 41; }).GetAwaiter().GetResult() + 1;
        });
        Assert.Equal(42, result);
        Assert.Equal(serving, workThread);
        Assert.NotEqual(serving, appThread);
        Assert.False(FirstThread.IsServed);
    }

    [Fact]
    public void Work_given_from_several_threads_runs_one_at_a_time_in_order_of_arrival_on_the_first_thread()
    {
        var serving = Environment.CurrentManagedThreadId;
        var running = 0;
        var overlaps = 0;
        var threads = FirstThread.Serve(() => Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => FirstThread.RunAsync(() =>
        {
            if (Interlocked.Increment(ref running) > 1) Interlocked.Increment(ref overlaps);
            Thread.Sleep(5);
            Interlocked.Decrement(ref running);
            return Environment.CurrentManagedThreadId;
        })))).GetAwaiter().GetResult());
        Assert.All(threads, t => Assert.Equal(serving, t));
        Assert.Equal(0, overlaps);
    }

    [Fact]
    public async Task Without_a_host_work_runs_on_the_thread_pool()
    {
        Assert.False(FirstThread.IsServed);
        var pool = await FirstThread.RunAsync(() => Thread.CurrentThread.IsThreadPoolThread);
        Assert.True(pool);
    }

    [Fact]
    public void Errors_reach_the_caller_as_thrown_and_cancelled_work_never_starts()
    {
        FirstThread.Serve(() =>
        {
            var error = Assert.ThrowsAsync<InputException>(() => FirstThread.RunAsync<int>(() => throw new InputException("bad row", field: "data"))).GetAwaiter().GetResult();
            Assert.Equal("data", error.Field);
            var started = false;
            var task = FirstThread.RunAsync(() => started = true, new CancellationToken(canceled: true));
            Assert.ThrowsAnyAsync<OperationCanceledException>(() => task).GetAwaiter().GetResult();
            Assert.False(started);
            return 0;
        });
        var e = Assert.Throws<InputException>(() => FirstThread.Serve<int>(() => throw new InputException("no such model", field: "model")));
        Assert.Equal("model", e.Field);
        Assert.False(FirstThread.IsServed);
    }

    [Fact]
    public void Work_that_gives_more_work_while_on_the_first_thread_runs_it_there_at_once()
    {
        var serving = Environment.CurrentManagedThreadId;
        var inner = FirstThread.Serve(() => FirstThread.RunAsync(() => FirstThread.RunAsync(() => Environment.CurrentManagedThreadId).GetAwaiter().GetResult())
            .GetAwaiter().GetResult());
        Assert.Equal(serving, inner);
    }
}
