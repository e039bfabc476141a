namespace LlamaDuo.Pipeline.Data;

/// <summary>Reads the records of one dataset file in order. Malformed records throw InputException naming file and line.</summary>
public interface IRecordReader
{
    IEnumerable<RawRecord> Read(string path);
}
