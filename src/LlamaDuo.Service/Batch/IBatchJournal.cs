namespace LlamaDuo.Service.Batch;

/// <summary>
/// Where provider batch ids are kept so that a process that died while a batch was running attaches to it on restart
/// instead of paying for the same requests twice. The run store implements it (table <c>batches</c>);
/// <see cref="JsonlBatchJournal"/> and <see cref="MemoryBatchJournal"/> serve tests and runs without a store.
/// Implementations must be safe to call from several threads.
/// </summary>
public interface IBatchJournal
{
    /// <summary>Inserts the record, or replaces the one with the same <see cref="BatchRecord.Id"/>.</summary>
    void Upsert(BatchRecord record);

    /// <summary>Every record whose <see cref="BatchRecord.IsOpen"/> is true, oldest <see cref="BatchRecord.Created"/> first.</summary>
    IReadOnlyList<BatchRecord> ListOpen();
}
