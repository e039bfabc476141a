using System.Runtime.InteropServices;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// How glibc's malloc treats libtorch's tensors while a model trains. By default every block over its mmap threshold
/// (at most 32 MB; a [4096, 4864] activation is 40-80 MB) is a fresh mapping, unmapped when freed, so each such tensor
/// pays a page fault per 4 KB page when it is filled: measured on one Qwen2.5-0.5B-shaped layer at batch 8 x 512, a
/// new [4096, 4864] fp32 tensor cost ~40 ms against ~6 ms to overwrite a resident one, and a layer's forward and
/// backward ran 1.77 s with freed memory kept against 2.22 s with every large block its own mapping (bf16
/// activations). <see cref="KeepFreedMemory"/> turns mappings off and heap trimming off, so a step reuses the pages
/// the previous step freed; the heap fragments, so the resident size settles well above what a step holds (1.6x at
/// the Qwen shape without checkpointing, more with it; the plan decides, see <see cref="MemoryPlan.ReuseFactor"/>). <see cref="ReturnLargeBlocks"/>
/// pins the mmap threshold at 1 MB instead: every large tensor is its own mapping, returned when freed, and the
/// resident size follows what the step holds. When the last training in the process ends, the settings go back to
/// glibc's defaults and the free pages are returned to the system (malloc_trim).
/// <para>
/// Only the first thread's heap can keep memory: glibc gives every other thread an arena whose blocks over 64 MB are
/// always mappings of their own, returned when freed; so the trainer runs there when the host serves it
/// (<see cref="Core.Threading.FirstThread"/>). Touching the heap in advance does not help on this kind of machine: a
/// page the system has not handed out recently costs ~25 us to fault in whichever thread touches it (a one-thread
/// 12 GB touch here ran at 1.6 GB/s for the first 4 GB, 0.16 GB/s after), so it only moves the cost before step 1.
/// </para>
/// </summary>
internal static class NativeHeap
{
    const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3, M_MMAP_MAX = -4;
    const int DefaultTrimThreshold = 128 * 1024, DefaultMmapThreshold = 128 * 1024, DefaultMmapMax = 65536; // glibc's defaults

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int param, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    static readonly object Gate = new();
    static int holders;

    /// <summary>
    /// Keeps freed native memory for reuse until the returned scope is disposed (nested and concurrent trainings
    /// share one setting). Does nothing off Linux/glibc or when MALLOC_MMAP_MAX_, MALLOC_TRIM_THRESHOLD_ or
    /// MALLOC_MMAP_THRESHOLD_ is set: the user chose.
    /// </summary>
    public static IDisposable KeepFreedMemory() => Enter(keep: true);

    /// <summary>Makes every block over 1 MB its own mapping, returned when freed, until the scope is disposed (same rules as <see cref="KeepFreedMemory"/>).</summary>
    public static IDisposable ReturnLargeBlocks() => Enter(keep: false);

    /// <summary>The first of concurrent trainings chooses; later ones share its setting until the last ends.</summary>
    static IDisposable Enter(bool keep)
    {
        if (!OperatingSystem.IsLinux() || UserChose()) return new Scope(false);
        lock (Gate)
        {
            if (holders == 0 && !(keep ? Apply(mmapMax: 0, mmapThreshold: null, trimThreshold: -1) // -1: never trim
                                       : Apply(mmapMax: DefaultMmapMax, mmapThreshold: 1 << 20, trimThreshold: 16 << 20)))
                return new Scope(false);
            holders++;
            return new Scope(true);
        }
    }

    static bool UserChose() =>
        new[] { "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_" }.Any(v => Environment.GetEnvironmentVariable(v) is not null);

    static bool Apply(int mmapMax, int? mmapThreshold, int trimThreshold)
    {
        try
        {
            return MallOpt(M_MMAP_MAX, mmapMax) == 1 & MallOpt(M_TRIM_THRESHOLD, trimThreshold) == 1
                & (mmapThreshold is not { } threshold || MallOpt(M_MMAP_THRESHOLD, threshold) == 1);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (e.g. musl): nothing to tune
        }
    }

    /// <summary>
    /// Returns the free pages of the heap to the system (malloc_trim) and keeps the settings: the resident size drops to
    /// what is live, and later allocations fault their pages in again. False where there is nothing to call.
    /// </summary>
    public static bool ReturnFreePages()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { MallocTrim(0); return true; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    static void Release()
    {
        lock (Gate)
        {
            if (--holders > 0) return;
            Apply(DefaultMmapMax, DefaultMmapThreshold, DefaultTrimThreshold);
            ReturnFreePages();
        }
    }

    sealed class Scope(bool held) : IDisposable
    {
        int disposed;

        public void Dispose()
        {
            if (held && Interlocked.Exchange(ref disposed, 1) == 0) Release();
        }
    }
}
