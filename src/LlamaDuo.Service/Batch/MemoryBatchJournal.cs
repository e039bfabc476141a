namespace LlamaDuo.Service.Batch;

/// <summary>A journal that lives as long as the object: for tests, and for runs that keep nothing across processes.</summary>
internal sealed class MemoryBatchJournal : IBatchJournal
{
    readonly Dictionary<string, BatchRecord> _records = [];
    readonly Lock _lock = new();

    /// <summary>Every record, open or not, oldest first.</summary>
    public IReadOnlyList<BatchRecord> All
    {
        get { lock (_lock) return [.. _records.Values.OrderBy(r => r.Created)]; }
    }

    /// <inheritdoc/>
    public void Upsert(BatchRecord record)
    {
        lock (_lock) _records[record.Id] = record;
    }

    /// <inheritdoc/>
    public IReadOnlyList<BatchRecord> ListOpen()
    {
        lock (_lock) return [.. _records.Values.Where(r => r.IsOpen).OrderBy(r => r.Created)];
    }
}
