namespace LlamaDuo.Torch.Lora;

/// <summary>
/// Writes a folder all at once: the content goes into a staging folder beside the target, which is then renamed into
/// place (renames within one file system are atomic). An older folder at the target is replaced only after the new
/// one is complete.
/// </summary>
public static class AtomicFolder
{
    /// <summary>Calls <paramref name="fill"/> with an empty staging folder, then moves it to <paramref name="target"/>.</summary>
    public static void Write(string target, Action<string> fill)
    {
        target = Path.GetFullPath(target);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            fill(staging);
            if (Directory.Exists(target))
            {
                var old = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
                Directory.Move(target, old);
                Directory.Move(staging, target);
                Directory.Delete(old, recursive: true);
            }
            else Directory.Move(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>Writes a file through a temporary name and a rename, so readers see the old or the new content, never half.</summary>
    public static void WriteFile(string path, string content)
    {
        var temp = path + $".tmp-{Guid.NewGuid():N}";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
