using System.Text.Json;
using LlamaDuo.Service.Tasks;

namespace LlamaDuo.Service.Tests.Tasks;

public class StoryTaskTests
{
    static readonly string[][] AnswerLists = [StorySlots.Pets, StorySlots.Toys, StorySlots.Colours, StorySlots.Places, StorySlots.Finds, StorySlots.Feelings];

    static HashSet<string> Answers(SlotCoverage c) => AnswerLists.SelectMany(l => StorySlots.Take(l, c)).ToHashSet();

    [Fact]
    public void Rows_have_the_student_format_and_an_one_word_answer_from_the_story()
    {
        foreach (var row in StoryTask.Generate(300, 1, SlotCoverage.Full))
        {
            Assert.Equal($"{row.Story}\nQ: {row.Question}\nA:", row.Prompt);
            Assert.Equal(" " + row.Answer, row.Response);
            Assert.DoesNotContain(' ', row.Answer);
            Assert.Contains(" " + row.Answer, row.Story);
            Assert.DoesNotContain("Who", row.Question);
            Assert.True(StoryTask.LooksLikePrompt(row.Prompt));
        }
    }

    [Fact]
    public void Answers_are_unambiguous_because_the_two_children_differ_in_every_slot()
    {
        foreach (var row in StoryTask.Generate(300, 2, SlotCoverage.Half))
        {
            // The answer word occurs once in the story: the other child has a different value for that slot.
            int count = row.Story.Split([' ', '.', ','], StringSplitOptions.RemoveEmptyEntries).Count(w => w == row.Answer);
            Assert.Equal(1, count);
        }
    }

    [Fact]
    public void Half_mode_stays_inside_half_the_lists_and_full_mode_reaches_the_rest()
    {
        var half = Answers(SlotCoverage.Half);
        Assert.All(StoryTask.Generate(500, 3, SlotCoverage.Half), r => Assert.Contains(r.Answer, half));
        var fullAnswers = StoryTask.Generate(500, 3, SlotCoverage.Full).Select(r => r.Answer).ToHashSet();
        Assert.True(fullAnswers.Count(a => !half.Contains(a)) > 20);
    }

    [Fact]
    public void Generation_is_seeded_and_prompts_are_distinct()
    {
        var a = StoryTask.Generate(50, 9, SlotCoverage.Full);
        Assert.Equal(a, StoryTask.Generate(50, 9, SlotCoverage.Full));
        Assert.NotEqual(a, StoryTask.Generate(50, 10, SlotCoverage.Full));
        Assert.Equal(50, a.Select(r => r.Prompt).Distinct().Count());
    }

    [Fact]
    public void Shipped_coverage_set_is_the_half_list_generator_output()
    {
        string path = Path.Combine(RepoRoot(), "examples", "quickstart", "coverage.jsonl");
        var lines = File.ReadAllLines(path);
        var expected = StoryTask.Generate(lines.Length, 15, SlotCoverage.Half);
        var half = Answers(SlotCoverage.Half);
        Assert.InRange(lines.Length, 100, 130);
        for (int i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var msgs = doc.RootElement.GetProperty("messages");
            Assert.Equal($"story-{i + 1:D3}", doc.RootElement.GetProperty("id").GetString());
            Assert.Equal(expected[i].Prompt, msgs[0].GetProperty("content").GetString());
            Assert.Equal(expected[i].Response, msgs[1].GetProperty("content").GetString());
            Assert.Contains(expected[i].Answer, half);
        }
    }

    static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LlamaDuo.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
