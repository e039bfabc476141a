using LlamaDuo.Core.Data;

namespace LlamaDuo.Models.Templates;

/// <summary>Collects rendered text, joining neighbours with the same loss flag and dropping empty pieces.</summary>
internal sealed class SegmentBuilder
{
    readonly List<TemplateSegment> _segments = new();

    public SegmentBuilder Text(string text) => Add(text, false);

    public SegmentBuilder Assistant(string text) => Add(text, true);

    public IReadOnlyList<TemplateSegment> Build() => _segments.ToArray();

    SegmentBuilder Add(string text, bool isAssistant)
    {
        if (text.Length == 0) return this;
        if (_segments.Count > 0 && _segments[^1].IsAssistant == isAssistant)
            _segments[^1] = _segments[^1] with { Text = _segments[^1].Text + text };
        else _segments.Add(new TemplateSegment(text, isAssistant));
        return this;
    }

    /// <summary>Checks roles: system (first only), then user and assistant, alternating when <paramref name="alternate"/>.</summary>
    public static void CheckRoles(IReadOnlyList<ChatTurn> messages, string template, bool alternate)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            var role = messages[i].Role;
            if (role is not ("system" or "user" or "assistant"))
                throw new ArgumentException($"template '{template}': message {i} has role '{role}'; expected system, user or assistant");
            if (role == "system" && i != 0)
                throw new ArgumentException($"template '{template}': a system message may only come first (message {i})");
        }
        if (!alternate) return;
        int start = messages.Count > 0 && messages[0].Role == "system" ? 1 : 0;
        for (int i = start; i < messages.Count; i++)
        {
            var expected = (i - start) % 2 == 0 ? "user" : "assistant";
            if (messages[i].Role != expected)
                throw new ArgumentException($"template '{template}': roles must alternate user/assistant; message {i} is '{messages[i].Role}'");
        }
    }

    /// <summary>Python's str.strip() / Jinja's trim: leading and trailing whitespace removed.</summary>
    public static string Trim(string s) => s.Trim();
}
