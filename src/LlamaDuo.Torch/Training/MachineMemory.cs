namespace LlamaDuo.Torch.Training;

/// <summary>How much memory this process may still take: MemAvailable from /proc/meminfo, lowered by a cgroup limit.</summary>
public static class MachineMemory
{
    /// <summary>Available bytes now, or null when the system does not say (then nothing is refused).</summary>
    public static double? AvailableBytes()
    {
        double? available = null;
        if (File.Exists("/proc/meminfo"))
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && Kilobytes(line) is { } kb)
                    available = kb * 1024.0;
        var cgroup = CgroupHeadroom();
        return available is null ? cgroup : cgroup is null ? available : Math.Min(available.Value, cgroup.Value);
    }

    /// <summary>Peak resident set size of this process so far (VmHWM), in bytes; 0 when unknown.</summary>
    public static double PeakRssBytes() => StatusField("VmHWM:");

    /// <summary>Resident set size of this process now (VmRSS), in bytes; 0 when unknown.</summary>
    public static double RssBytes() => StatusField("VmRSS:");

    static double StatusField(string name)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        foreach (var line in File.ReadLines(status))
            if (line.StartsWith(name, StringComparison.Ordinal) && Kilobytes(line) is { } kb)
                return kb * 1024.0;
        return 0;
    }

    /// <summary>
    /// The number of a "Name:  1234 kB" line. The kernel pads the number to 8 columns after a tab, so from 10 GB up
    /// ("VmHWM:\t12531912 kB") no space separates it from the name: split on tabs too.
    /// </summary>
    public static long? Kilobytes(string line)
    {
        var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], out var kb) ? kb : null;
    }

    // cgroup v2: memory.max minus memory.current of this process's group ("max" = no limit).
    static double? CgroupHeadroom()
    {
        const string max = "/sys/fs/cgroup/memory.max", current = "/sys/fs/cgroup/memory.current";
        if (!File.Exists(max) || !File.Exists(current)) return null;
        var limit = File.ReadAllText(max).Trim();
        if (limit == "max" || !double.TryParse(limit, out var l) || !double.TryParse(File.ReadAllText(current).Trim(), out var used)) return null;
        return l - used;
    }
}
