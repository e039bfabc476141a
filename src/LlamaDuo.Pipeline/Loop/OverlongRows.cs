using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// At ingest, rows longer than student.training.max_len tokens (rendered with the student's chat template, as
/// training sees them) are counted and the longest named, with what training does to them: they are cut to max_len
/// tokens, and a row left with none of its reply is dropped. A huge row is measured on a prefix only (8 characters
/// per allowed token), so one 5 MB row is reported in moments rather than tokenized whole.
/// </summary>
static class OverlongRows
{
    const int CharsPerTokenCap = 8;

    public static string? Report(LlamaDuoConfig config, TrainTestSplit split)
    {
        if (config.Student.Backend == TrainingBackend.External) return null; // that trainer has its own tokenizer and rules
        int maxLen = config.Student.Training.MaxLen;
        using var student = StudentLoader.Base(config);
        var over = new List<(CoverageRow Row, string Split, int Tokens, bool AtLeast, int Chars)>();
        foreach (var (rows, name) in new[] { (split.Train, RunStore.TrainSplit), (split.Test, RunStore.TestSplit) })
            foreach (var row in rows)
            {
                var text = string.Concat(student.Template.Render(row.Example.Messages, addGenerationPrompt: false).Select(s => s.Text));
                bool cut = text.Length > maxLen * CharsPerTokenCap;
                int tokens = student.Tokenizer.Encode(cut ? text[..(maxLen * CharsPerTokenCap)] : text, addBos: false).Count;
                if (tokens > maxLen) over.Add((row, name, tokens, cut, text.Length));
            }
        if (over.Count == 0) return null;
        var longest = over.MaxBy(o => (o.Chars, o.Tokens));
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return $"{over.Count} row(s) longer than student.training.max_len {maxLen} tokens ({over.Count(o => o.Split == RunStore.TrainSplit)} train, "
            + $"{over.Count(o => o.Split == "test")} test); longest: {longest.Row.Provenance.Source}:{longest.Row.Provenance.Line} "
            + $"({longest.Chars.ToString("N0", inv)} characters, {(longest.AtLeast ? "more than " : "")}{longest.Tokens.ToString("N0", inv)} tokens). "
            + $"Training cuts them to {maxLen} tokens and drops a row left with none of its reply; test prompts are answered as they are. "
            + "Raise max_len or shorten the rows to keep them whole";
    }
}
