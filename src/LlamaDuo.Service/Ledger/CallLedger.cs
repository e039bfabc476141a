using System.Text.Json;

namespace LlamaDuo.Service.Ledger;

/// <summary>
/// Every service call, in memory and (when given a path) appended to a JSONL file as it happens. Opening an
/// existing file loads its entries, so totals after a resume include what earlier runs spent.
/// Read totals with <see cref="Totals"/> (all, or one stage) and <see cref="ByStage"/>. Observers (the run store) see
/// each call as it starts (<see cref="Starting"/>) and as it is recorded (<see cref="Recorded"/>), so a call that was
/// in flight when the process died can be told apart from one that never went out.
/// </summary>
public sealed class CallLedger : IDisposable
{
    readonly List<LedgerEntry> _entries = [];
    readonly Lock _lock = new();
    readonly StreamWriter? _file;

    /// <summary>An in-memory ledger, or one that appends to <paramref name="jsonlPath"/>.</summary>
    public CallLedger(string? jsonlPath = null)
    {
        Path = jsonlPath;
        if (jsonlPath is null) return;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(jsonlPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        if (File.Exists(jsonlPath))
            foreach (var line in File.ReadLines(jsonlPath))
                if (!string.IsNullOrWhiteSpace(line) && TryParse(line) is { } entry)
                    _entries.Add(entry);
        bool tornTail = File.Exists(jsonlPath) && EndsMidLine(jsonlPath);
        _file = new StreamWriter(new FileStream(jsonlPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        // A line cut short by a kill is ended here, so the next entry starts a line of its own instead of being glued to it.
        if (tornTail) _file.WriteLine();
    }

    /// <summary>
    /// Raised on the calling thread just before a call's first request goes out (a cache hit never is); a throwing
    /// observer stops the request.
    /// </summary>
    public event Action<CallStart>? Starting;

    /// <summary>Raised on the calling thread after an entry is recorded (and written to the file).</summary>
    public event Action<LedgerEntry>? Recorded;

    /// <summary>Names the ledger's call ids: its file name ("ledger"), or "memory".</summary>
    public string IdPrefix => Path is null ? "memory" : System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>A new call id ("ledger:3f2a..."): the entry <see cref="Record"/> gets for the call carries it.</summary>
    public string NewCallId() => $"{IdPrefix}:{Guid.NewGuid():N}";

    /// <summary>Tells <see cref="Starting"/> that a call's first request is going out.</summary>
    public void Start(CallStart call) => Starting?.Invoke(call);

    /// <summary>The JSONL file, or null for an in-memory ledger.</summary>
    public string? Path { get; }

    /// <summary>A snapshot of every entry, oldest first.</summary>
    public IReadOnlyList<LedgerEntry> Entries
    {
        get { lock (_lock) return [.. _entries]; }
    }

    /// <summary>Adds one entry (and one line to the file).</summary>
    public void Record(LedgerEntry entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
            _file?.WriteLine(JsonSerializer.Serialize(entry));
        }
        Recorded?.Invoke(entry);
    }

    /// <summary>Totals over every entry, or over one stage's entries.</summary>
    public LedgerTotals Totals(string? stage = null) =>
        LedgerTotals.Of(stage is null ? Entries : Entries.Where(e => e.Stage == stage));

    /// <summary>Totals per stage label.</summary>
    public IReadOnlyDictionary<string, LedgerTotals> ByStage() =>
        Entries.GroupBy(e => e.Stage).ToDictionary(g => g.Key, g => LedgerTotals.Of(g));

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock) _file?.Dispose();
    }

    static bool EndsMidLine(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (f.Length == 0) return false;
        f.Seek(-1, SeekOrigin.End);
        return f.ReadByte() != '\n';
    }

    static LedgerEntry? TryParse(string line)
    {
        // A crash can cut the last line short; a partial line is skipped, not fatal.
        try { return JsonSerializer.Deserialize<LedgerEntry>(line); }
        catch (JsonException) { return null; }
    }
}
