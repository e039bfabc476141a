namespace LlamaDuo.Service.Tasks;

/// <summary>
/// The slot lists of the quickstart story task. Every value is one common English word that stories15M has seen in
/// TinyStories. "Half" mode uses the first half of each list: a coverage set drawn that way never shows the other
/// half as answers, which is what makes round 0 fall short and synthesis over the full lists help.
/// </summary>
internal static class StorySlots
{
    public static readonly string[] Names = ["Lily", "Tom", "Mia", "Ben", "Anna", "Max", "Sue", "Tim", "Lucy", "Jack", "Emma", "Sam", "Zoe", "Leo", "Amy", "Bob"];
    public static readonly string[] Pets = ["dog", "cat", "bird", "fish", "frog", "rabbit", "duck", "turtle", "hamster", "pony", "mouse", "goat"];
    public static readonly string[] Toys = ["ball", "kite", "doll", "car", "train", "boat", "drum", "bear", "robot", "truck", "top", "puzzle"];
    public static readonly string[] Colours = ["red", "blue", "green", "yellow", "pink", "purple", "orange", "brown", "white", "black"];
    public static readonly string[] Places = ["park", "beach", "farm", "forest", "garden", "zoo", "lake", "hill", "library", "market", "river", "castle"];
    public static readonly string[] Finds = ["shell", "stone", "feather", "key", "coin", "leaf", "box", "flower", "map", "ring", "egg", "stick"];
    public static readonly string[] Feelings = ["happy", "sad", "excited", "scared", "proud", "tired", "surprised", "calm", "angry", "shy"];

    /// <summary>The list in effect for a coverage mode: all of it, or its first half (rounded up).</summary>
    public static IReadOnlyList<string> Take(string[] list, SlotCoverage coverage) =>
        coverage == SlotCoverage.Full ? list : list[..((list.Length + 1) / 2)];
}
