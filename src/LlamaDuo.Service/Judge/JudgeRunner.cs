namespace LlamaDuo.Service.Judge;

/// <summary>
/// Runs any <see cref="IRowJudge"/> over a stage's rows, all at once, and summarises the result. A row
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
        // Every row at once: the service client's middleware holds the one concurrency bound (limits.concurrency),
        // and in batch mode all of a round's calls must be pending together to land in one provider batch.
        await Task.WhenAll(items.Select(async (item, i) =>
        {
            JudgedRow row;
            try { row = await judge.JudgeAsync(item, cancellationToken); }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
            catch (Exception ex)
            {
                row = new JudgedRow(item, judge.Name, [], null, null,
                    [new JudgeDiagnostic(null, $"judge threw {ex.GetType().Name}: {ex.Message}")]);
            }
            results[i] = row;
            onRow?.Invoke(row);
        }));
        return JudgeRunResult.From(judge.Name, results, options);
    }
}
