using System.Text.RegularExpressions;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Hub;

/// <summary>A parsed <c>hf:owner/name[@revision]</c> reference; the revision defaults to <c>main</c>.</summary>
public sealed partial record HfReference(string Owner, string Name, string Revision)
{
    /// <summary>The prefix that marks a hub reference in a model name or a data path.</summary>
    public const string Prefix = "hf:";

    /// <summary><c>owner/name</c>, as the hub's URLs spell it.</summary>
    public string RepoId => $"{Owner}/{Name}";

    /// <summary>True when <paramref name="text"/> starts with <c>hf:</c> (it may still be malformed).</summary>
    public static bool IsReference(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <paramref name="text"/>; a malformed reference is an <see cref="InputException"/> naming it.</summary>
    public static HfReference Parse(string text, string field = "model")
    {
        if (!IsReference(text)) throw new InputException("not a Hugging Face reference; expected hf:owner/name[@revision]", field: field, value: text);
        var match = Shape().Match(text[Prefix.Length..]);
        if (!match.Success)
            throw new InputException("malformed Hugging Face reference; expected hf:owner/name[@revision] (letters, digits, '-', '_', '.')", field: field, value: text);
        var revision = match.Groups["rev"].Success ? match.Groups["rev"].Value : "main";
        return new HfReference(match.Groups["owner"].Value, match.Groups["name"].Value, revision);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Prefix}{RepoId}@{Revision}";

    // Hub repo names: owner and name of [A-Za-z0-9-_.], not starting with '.' or '-' (which would also allow "..").
    // Revisions are branch, tag or commit names; '/' is allowed (refs/pr/1) but not "..".
    [GeneratedRegex(@"^(?<owner>[A-Za-z0-9_][A-Za-z0-9_.\-]{0,95})/(?<name>[A-Za-z0-9_][A-Za-z0-9_.\-]{0,95})(@(?<rev>(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,199}))?$")]
    private static partial Regex Shape();
}
