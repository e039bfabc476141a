using System.Globalization;
using System.Reflection;
using LlamaDuo.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// Binds a YAML node tree onto the options records, strictly: an unknown key, a duplicate key or a value of the wrong
/// type is an <see cref="InputException"/> naming the file, the line, the dotted key and the value. Keys left out keep
/// the defaults written in the records.
/// </summary>
internal sealed class YamlConfigBinder(string file)
{

    /// <summary>Line of every key that was present, by dotted path; validation uses it to point at the right line.</summary>
    public Dictionary<string, int> Lines { get; } = new();

    public T BindRoot<T>(YamlNode? root) where T : new() => root switch
    {
        null => new T(),
        YamlScalarNode s when IsNull(s) => new T(),
        YamlMappingNode map => (T)BindRecord(typeof(T), map, ""),
        _ => throw new InputException("the config must be a mapping of sections (task:, data:, student:, ...)", file, LineOf(root)),
    };

    object BindRecord(Type type, YamlMappingNode map, string path)
    {
        var record = Activator.CreateInstance(type)!;
        var keys = ConfigNames.Keys(type);
        var seen = new HashSet<string>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value
                ?? throw new InputException("a key must be plain text", file, LineOf(keyNode), path);
            var dotted = path.Length == 0 ? key : $"{path}.{key}";
            if (!keys.TryGetValue(key, out var property))
                throw new InputException(
                    $"unknown key '{dotted}'; valid keys{(path.Length == 0 ? "" : $" under '{path}'")}: {string.Join(", ", keys.Keys)}",
                    file, LineOf(keyNode), dotted);
            if (!seen.Add(key))
                throw new InputException($"key '{dotted}' appears twice", file, LineOf(keyNode), dotted);
            Lines[dotted] = LineOf(keyNode);
            property.SetValue(record, BindValue(property.PropertyType, AllowsNull(property), valueNode, dotted));
        }
        return record;
    }

    object? BindValue(Type type, bool allowsNull, YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && IsNull(scalar))
        {
            if (allowsNull) return null;
            throw TypeError(type, node, path, scalar.Value ?? "null");
        }
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            return BindList(underlying.GetGenericArguments()[0], node, path);
        if (IsRecord(underlying))
            return node is YamlMappingNode map ? BindRecord(underlying, map, path) : throw TypeError(underlying, node, path, Describe(node));
        if (node is not YamlScalarNode text) throw TypeError(underlying, node, path, Describe(node));
        return ParseScalar(underlying, text, path);
    }

    Array BindList(Type elementType, YamlNode node, string path)
    {
        if (node is not YamlSequenceNode sequence) throw TypeError(typeof(IReadOnlyList<>).MakeGenericType(elementType), node, path, Describe(node));
        var items = Array.CreateInstance(elementType, sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is not YamlScalarNode item || IsNull(item))
                throw TypeError(elementType, sequence.Children[i], $"{path}[{i}]", Describe(sequence.Children[i]));
            items.SetValue(ParseScalar(elementType, item, $"{path}[{i}]"), i);
        }
        return items;
    }

    object ParseScalar(Type type, YamlScalarNode node, string path)
    {
        var value = node.Value ?? "";
        var inv = CultureInfo.InvariantCulture;
        object? parsed = type switch
        {
            _ when type == typeof(string) => value,
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, inv, out var i) ? i : null,
            _ when type == typeof(long) => long.TryParse(value.Replace("_", ""), NumberStyles.Integer, inv, out var l) ? l : null,
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, inv, out var d) && double.IsFinite(d) ? d : null,
            _ when type == typeof(bool) => value.ToLowerInvariant() switch { "true" => true, "false" => false, _ => null },
            _ when type.IsEnum => ConfigNames.TryParseEnum(type, value, out var e) ? e : null,
            _ => throw new InvalidOperationException($"config binder does not handle {type.Name}"),
        };
        return parsed ?? throw TypeError(type, node, path, value);
    }

    InputException TypeError(Type type, YamlNode node, string path, string value) =>
        new($"expected {TypeWord(type)}", file, LineOf(node), path, value);

    static string TypeWord(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "text";
        if (type.IsEnum) return "one of: " + string.Join(", ", ConfigNames.EnumTexts(type));
        if (type.IsGenericType) return $"a list of {TypeWord(type.GetGenericArguments()[0])} values, like [a, b]";
        return $"a mapping with keys: {string.Join(", ", ConfigNames.Keys(type).Keys)}";
    }

    static bool IsRecord(Type type) => type.IsClass && type != typeof(string) && type.GetConstructor(Type.EmptyTypes) is not null;

    // NullabilityInfoContext caches without locking, so configs parsed on two threads at once need one each.
    static bool AllowsNull(PropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null
        || (!property.PropertyType.IsValueType && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable);

    static bool IsNull(YamlScalarNode s) =>
        s.Style == YamlDotNet.Core.ScalarStyle.Plain && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => node.NodeType.ToString(),
    };

    static int LineOf(YamlNode node) => (int)node.Start.Line;
}
