namespace LlamaDuo.Service.Judge;

/// <summary>
/// Runs any <see cref="IRowJudge"/> over a stage's rows with bounded concurrency and summarises the result. A row
/// whose judge throws (a bug, not a bad reply) is still recorded as a diagnosed row so the stage completes.
/// </summary>
public static class JudgeRunner
{
    /// <summary>Judges every item; <paramref name="onRow"/> sees each row as it completes (for progress and saving).</summary>
    public static async Task<JudgeRunResult> RunAsync(
        IRowJudge judge,
        IReadOnlyList<JudgeItem> items,
        JudgeRunOptions? options = null,
        Action<JudgedRow>? onRow = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new JudgeRunOptions();
        var results = new JudgedRow[items.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, options.MaxConcurrentRows),
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), parallel, async (i, ct) =>
        {
            JudgedRow row;
            try { row = await judge.JudgeAsync(items[i], ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (Exception ex)
            {
                row = new JudgedRow(items[i], judge.Name, [], null, null,
                    [new JudgeDiagnostic(null, $"judge threw {ex.GetType().Name}: {ex.Message}")]);
            }
            results[i] = row;
            onRow?.Invoke(row);
        });
        return JudgeRunResult.From(judge.Name, results, options);
    }
}
