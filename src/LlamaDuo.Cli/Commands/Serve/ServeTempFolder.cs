namespace LlamaDuo.Cli.Commands.Serve;

/// <summary>
/// Where <c>serve</c> writes the temporary GGUF of a non-GGUF model: <c>$TMPDIR/llamaduo-serve/&lt;id&gt;/</c>, one
/// folder per server, next to <c>&lt;id&gt;.lock</c>, which the server holds locked while it lives. Disposing deletes
/// both (normal exit); a server killed with -9 leaves them, and the next server to start deletes every folder whose
/// lock nobody holds (the kernel drops a dead process's locks), so stray 60 MB models do not pile up.
/// </summary>
internal sealed class ServeTempFolder : IDisposable
{
    readonly FileStream lockFile;

    ServeTempFolder(string path, FileStream lockFile)
    {
        Path = path;
        this.lockFile = lockFile;
    }

    /// <summary>The folder to write into.</summary>
    public string Path { get; }

    /// <summary>The shared root all servers use.</summary>
    public static string DefaultRoot => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llamaduo-serve");

    /// <summary>Deletes what dead servers left under <paramref name="root"/>, then makes this server's folder and locks it.</summary>
    public static ServeTempFolder Create(string? root = null)
    {
        root ??= DefaultRoot;
        Directory.CreateDirectory(root);
        DeleteAbandoned(root);
        var id = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        // The lock first, then the folder: a folder never exists without a held lock beside it.
        var lockFile = new FileStream(System.IO.Path.Combine(root, id + ".lock"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        var path = System.IO.Path.Combine(root, id);
        Directory.CreateDirectory(path);
        return new ServeTempFolder(path, lockFile);
    }

    /// <summary>Deletes every folder under <paramref name="root"/> whose lock can be taken: its server is gone.</summary>
    public static int DeleteAbandoned(string root)
    {
        var deleted = 0;
        foreach (var lockPath in Directory.EnumerateFiles(root, "*.lock"))
        {
            FileStream held;
            try
            {
                held = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // a live server holds it (or another server is sweeping it right now)
            }
            using (held)
            {
                var folder = lockPath[..^".lock".Length];
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
                File.Delete(lockPath);
                deleted++;
            }
        }
        return deleted;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        var lockPath = lockFile.Name;
        File.Delete(lockPath);
        lockFile.Dispose();
    }
}
