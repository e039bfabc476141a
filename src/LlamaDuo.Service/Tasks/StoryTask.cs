namespace LlamaDuo.Service.Tasks;

/// <summary>
/// The quickstart's narrow task, a stand-in for a real migration that stories15M can learn in seconds: a templated
/// TinyStories-style story about two children (each with a pet, a toy of some colour, a place visited, a thing found
/// and a feeling), then a question about one child whose answer is one word from the story. The probe in the brief
/// (section 4) measured this shape: ~80 rows over half the slot lists give 32-49% exact match on held-out rows over the
/// full lists; 400 more rows over the full lists give 99-100%. "Who found a ...?" questions are left out on purpose
/// (they stayed at 30-60% whatever the settings).
/// </summary>
public static class StoryTask
{
    public const string Name = "story-qa";
    public const string Topic = "one-word answers to questions about a short children's story with two children, their pets, toys, places, finds and feelings";

    /// <summary>The question kinds: text with {0} for the child's name, and which slot answers it.</summary>
    static readonly (string Question, Func<Child, string> Answer)[] Questions =
    [
        ("What pet did {0} have?", c => c.Pet),
        ("What toy did {0} have?", c => c.Toy),
        ("What colour was {0}'s toy?", c => c.Colour),
        ("Where did {0} go?", c => c.Place),
        ("What did {0} find?", c => c.Find),
        ("How did {0} feel?", c => c.Feeling),
    ];

    /// <summary>One random row; distinct children differ in every slot so each question has one answer.</summary>
    public static StoryRow Generate(Random rng, SlotCoverage coverage)
    {
        var names = Pick(rng, StorySlots.Take(StorySlots.Names, coverage), 2);
        var a = NewChild(rng, coverage, names[0]);
        var b = a with
        {
            Name = names[1],
            Pet = Other(rng, StorySlots.Pets, coverage, a.Pet),
            Toy = Other(rng, StorySlots.Toys, coverage, a.Toy),
            Colour = Other(rng, StorySlots.Colours, coverage, a.Colour),
            Place = Other(rng, StorySlots.Places, coverage, a.Place),
            Find = Other(rng, StorySlots.Finds, coverage, a.Find),
            Feeling = Other(rng, StorySlots.Feelings, coverage, a.Feeling),
        };
        var child = rng.Next(2) == 0 ? a : b;
        var (question, answer) = Questions[rng.Next(Questions.Length)];
        return new StoryRow(Story(a, b), string.Format(question, child.Name), answer(child));
    }

    /// <summary><paramref name="count"/> rows with distinct prompts from a seeded RNG.</summary>
    public static List<StoryRow> Generate(int count, int seed, SlotCoverage coverage, IEnumerable<string>? excludePrompts = null)
    {
        var rng = new Random(seed);
        var seen = new HashSet<string>(excludePrompts ?? []);
        var rows = new List<StoryRow>(count);
        while (rows.Count < count)
        {
            var row = Generate(rng, coverage);
            if (seen.Add(row.Prompt)) rows.Add(row);
        }
        return rows;
    }

    /// <summary>True when <paramref name="prompt"/> has the shape of this task's prompts (story, "Q:", "A:").</summary>
    public static bool LooksLikePrompt(string prompt) =>
        prompt.StartsWith("Once upon a time, there were two friends", StringComparison.Ordinal) && prompt.Contains("\nQ: ") && prompt.EndsWith("\nA:");

    static string Story(Child a, Child b) =>
        $"Once upon a time, there were two friends, {a.Name} and {b.Name}. " +
        $"{a.Name} had a pet {a.Pet} and {Article(a.Colour)} {a.Colour} {a.Toy}. " +
        $"{b.Name} had a pet {b.Pet} and {Article(b.Colour)} {b.Colour} {b.Toy}. " +
        $"One day, {a.Name} went to the {a.Place} and found {Article(a.Find)} {a.Find}. " +
        $"{b.Name} went to the {b.Place} and found {Article(b.Find)} {b.Find}. " +
        $"{a.Name} felt {a.Feeling}, and {b.Name} felt {b.Feeling}.";

    static Child NewChild(Random rng, SlotCoverage c, string name) => new(
        name,
        Pick(rng, StorySlots.Take(StorySlots.Pets, c), 1)[0],
        Pick(rng, StorySlots.Take(StorySlots.Toys, c), 1)[0],
        Pick(rng, StorySlots.Take(StorySlots.Colours, c), 1)[0],
        Pick(rng, StorySlots.Take(StorySlots.Places, c), 1)[0],
        Pick(rng, StorySlots.Take(StorySlots.Finds, c), 1)[0],
        Pick(rng, StorySlots.Take(StorySlots.Feelings, c), 1)[0]);

    static string Other(Random rng, string[] list, SlotCoverage c, string not)
    {
        var options = StorySlots.Take(list, c).Where(v => v != not).ToList();
        return options[rng.Next(options.Count)];
    }

    static List<string> Pick(Random rng, IReadOnlyList<string> list, int n) => list.OrderBy(_ => rng.Next()).Take(n).ToList();

    static string Article(string word) => "aeiou".Contains(word[0]) ? "an" : "a";

    sealed record Child(string Name, string Pet, string Toy, string Colour, string Place, string Find, string Feeling);
}
