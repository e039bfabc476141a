using System.Security.Cryptography;

namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// One file a finished stage left (path relative to the run folder), with its size and SHA-256, as run.db keeps it
/// so a resumed run can tell an intact adapter or exported model from a missing or damaged one.
/// </summary>
public sealed record Artifact(string Path, long Bytes, string Sha256)
{
    /// <summary>Every file under the stage's outputs (a file, or a folder taken whole), measured now.</summary>
    public static List<Artifact> Measure(string root, IEnumerable<string> outputs)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var output in outputs)
        {
            var full = System.IO.Path.Combine(root, output);
            if (File.Exists(full)) files.Add(full);
            else if (Directory.Exists(full))
                foreach (var f in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)) files.Add(f);
        }
        return files.Select(f => new Artifact(System.IO.Path.GetRelativePath(root, f), new FileInfo(f).Length, Hash(f))).ToList();
    }

    /// <summary>What is wrong with the first recorded file that is missing or changed, or null when all are intact.</summary>
    public static string? FirstProblem(string root, IEnumerable<Artifact> recorded)
    {
        foreach (var a in recorded)
        {
            var full = System.IO.Path.Combine(root, a.Path);
            if (!File.Exists(full)) return $"{a.Path} is missing";
            var length = new FileInfo(full).Length;
            if (length != a.Bytes) return $"{a.Path} is damaged ({length} bytes, {a.Bytes} when written)";
            if (Hash(full) != a.Sha256) return $"{a.Path} is damaged (its SHA-256 changed since it was written)";
        }
        return null;
    }

    static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
