using LlamaDuo.Core.Data;

namespace LlamaDuo.Torch.Tests.Training;

/// <summary>
/// A narrow task stories15M cannot do zero-shot: a short TinyStories-style story naming its main character and a
/// friend, then "Q: Who is this story about?\nA:" answered with the main character's name. Rows are drawn from a seed.
/// </summary>
internal static class NamedCharacterStories
{
    static readonly string[] Girls = ["Lily", "Mia", "Sue", "Anna", "Lucy", "Emma", "Sara", "Kate", "Jane", "Ella", "Rose", "Amy"];
    static readonly string[] Boys = ["Tom", "Ben", "Max", "Sam", "Tim", "Jack", "Leo", "Bob", "Joe", "Dan", "Finn", "Jake"];
    static readonly string[] Pets = ["dog", "cat", "bird", "fish", "bunny", "frog"];
    static readonly string[] Places = ["park", "beach", "forest", "garden", "farm", "lake"];
    static readonly string[] Things = ["red ball", "big box", "shiny stone", "blue kite", "little boat", "yellow hat"];

    public const string Question = "\nQ: Who is this story about?\nA:";

    public static List<ChatExample> Make(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<ChatExample>();
        for (var i = 0; i < count; i++)
        {
            var girl = random.Next(2) == 0;
            var name = Pick(random, girl ? Girls : Boys);
            var friend = Pick(random, random.Next(2) == 0 ? Girls : Boys);
            if (friend == name) friend = name == "Lily" ? "Tom" : "Lily";
            var (they, their) = girl ? ("She", "her") : ("He", "his");
            var story = $"Once upon a time, there was a little {(girl ? "girl" : "boy")} named {name}. {they} had a {Pick(random, Pets)}. " +
                        $"One day, {name} went to the {Pick(random, Places)} with {their} friend {friend}. " +
                        $"{they} found a {Pick(random, Things)} and was very happy.";
            rows.Add(ChatExample.FromPair($"story-{seed}-{i}", story + Question, " " + name));
        }
        return rows;
    }

    static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
