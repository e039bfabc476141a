using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using LlamaDuo.Core.Options;

namespace LlamaDuo.Pipeline.Config;

/// <summary>Maps option records to their YAML spelling: snake_case keys, enum values from <see cref="EnumMemberAttribute"/>.</summary>
internal static class ConfigNames
{
    static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, PropertyInfo>> Cache = new();

    /// <summary>
    /// The settable properties of an options record, by YAML key, in declaration order; a property marked
    /// <see cref="NotInConfigAttribute"/> is the caller's wiring, not a key.
    /// </summary>
    public static IReadOnlyDictionary<string, PropertyInfo> Keys(Type type) => Cache.GetOrAdd(type, t =>
    {
        var keys = new Dictionary<string, PropertyInfo>();
        // A section that extends a library's options lists the library's keys first, as they were declared.
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => Depth(p.DeclaringType!)))
            if (p.CanWrite && p.SetMethod!.IsPublic && !p.IsDefined(typeof(NotInConfigAttribute))) keys[SnakeCase(p.Name)] = p;
        return keys;
    });

    static int Depth(Type type) => type.BaseType is null ? 0 : 1 + Depth(type.BaseType);

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
