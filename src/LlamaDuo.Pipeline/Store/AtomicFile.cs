using System.Runtime.InteropServices;
using System.Text;

namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// Writes a file so that a crash leaves either the old content or the new, never a torn mix: write a temp file in
/// the same folder, fsync it, rename it over the target, then fsync the folder so the rename itself is durable.
/// Every stage output in a run folder is written this way.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes UTF-8 text (no byte-order mark) atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var buffer = bytes.ToArray();
        Write(path, stream => stream.Write(buffer));
    }

    /// <summary>Writes lines of text (each ending in a newline) atomically; handy for whole JSONL stage outputs.</summary>
    public static void WriteAllLines(string path, IEnumerable<string> lines) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var line in lines) writer.WriteLine(line);
    });

    /// <summary>Streams content into a temp file, then publishes it at <paramref name="path"/> atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            SyncDirectory(dir);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>fsync on a folder makes a rename inside it durable (POSIX); a no-op where that is not available.</summary>
    internal static void SyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var fd = Native.open(dir, Native.O_RDONLY);
        if (fd < 0) return;
        try { Native.fsync(fd); }
        finally { Native.close(fd); }
    }

    static class Native
    {
        public const int O_RDONLY = 0;
        [DllImport("libc", SetLastError = true)] public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
        [DllImport("libc", SetLastError = true)] public static extern int fsync(int fd);
        [DllImport("libc", SetLastError = true)] public static extern int close(int fd);
    }
}
