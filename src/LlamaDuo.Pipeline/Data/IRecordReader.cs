namespace LlamaDuo.Pipeline.Data;

/// <summary>Reads the records of one dataset file in order. Malformed records throw InputException naming file and line.</summary>
internal interface IRecordReader
{
    IEnumerable<RawRecord> Read(string path);
}
