namespace LlamaDuo.LlamaCpp.Gguf;

/// <summary>One metadata entry: a key, its GGUF type, and for arrays the element type.</summary>
public sealed record GgufMetadataEntry(string Key, GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8);

/// <summary>
/// Ordered GGUF metadata key/value pairs. Values are kept with the exact GGUF type llama.cpp expects for each key
/// (it rejects, for example, an int32 where it reads a uint32).
/// </summary>
public sealed class GgufMetadata
{
    readonly List<GgufMetadataEntry> _entries = [];

    public IReadOnlyList<GgufMetadataEntry> Entries => _entries;

    public GgufMetadata String(string key, string value) => Add(key, GgufValueType.String, value);
    public GgufMetadata UInt32(string key, uint value) => Add(key, GgufValueType.UInt32, value);
    public GgufMetadata Int32(string key, int value) => Add(key, GgufValueType.Int32, value);
    public GgufMetadata Float32(string key, float value) => Add(key, GgufValueType.Float32, value);
    public GgufMetadata Bool(string key, bool value) => Add(key, GgufValueType.Bool, value);
    public GgufMetadata Strings(string key, IReadOnlyList<string> values) => Add(key, GgufValueType.Array, values, GgufValueType.String);
    public GgufMetadata Float32s(string key, IReadOnlyList<float> values) => Add(key, GgufValueType.Array, values, GgufValueType.Float32);
    public GgufMetadata Int32s(string key, IReadOnlyList<int> values) => Add(key, GgufValueType.Array, values, GgufValueType.Int32);

    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    public object? this[string key] => _entries.FirstOrDefault(e => e.Key == key)?.Value;

    GgufMetadata Add(string key, GgufValueType type, object value, GgufValueType elementType = GgufValueType.UInt8)
    {
        if (_entries.Any(e => e.Key == key)) throw new ArgumentException($"GGUF metadata key '{key}' is set twice.");
        _entries.Add(new GgufMetadataEntry(key, type, value, elementType));
        return this;
    }
}
