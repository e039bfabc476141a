using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;

namespace LlamaDuo.Pipeline.Config;

/// <summary>Maps option records to their YAML spelling: snake_case keys, enum values from <see cref="EnumMemberAttribute"/>.</summary>
internal static class ConfigNames
{
    static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, PropertyInfo>> Cache = new();

    /// <summary>The settable properties of an options record, by YAML key, in declaration order.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> Keys(Type type) => Cache.GetOrAdd(type, t =>
    {
        var keys = new Dictionary<string, PropertyInfo>();
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.CanWrite && p.SetMethod!.IsPublic) keys[SnakeCase(p.Name)] = p;
        return keys;
    });

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            // An upper-case letter starts a word unless it continues an acronym (OpenAI stays "openai").
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    public static string EnumText(Enum value)
    {
        var member = value.GetType().GetField(value.ToString());
        return member?.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? value.ToString().ToLowerInvariant();
    }

    public static IEnumerable<string> EnumTexts(Type enumType) =>
        Enum.GetValues(enumType).Cast<Enum>().Select(EnumText);

    public static bool TryParseEnum(Type enumType, string text, out object? value)
    {
        foreach (var v in Enum.GetValues(enumType).Cast<Enum>())
            if (string.Equals(EnumText(v), text, StringComparison.OrdinalIgnoreCase) || string.Equals(v.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        value = null;
        return false;
    }
}
