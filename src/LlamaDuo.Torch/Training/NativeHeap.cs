using System.Runtime.InteropServices;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// glibc keeps freed memory for reuse, and raises its mmap threshold each time a large block is freed (up to 32 MB),
/// so after the first step most activation tensors (a [4096, 896] fp32 tensor is 14.7 MB) come from the heap and stay
/// resident after they are freed, fragmenting it: the resident size grows past what the step holds at once. Pinning
/// the threshold at 1 MB makes every large tensor its own mapping, returned to the system when freed. Costs a page
/// fault per fresh page, small against the matrix products that fill them.
/// </summary>
internal static class NativeHeap
{
    const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int param, int value);

    static int applied;

    /// <summary>Pins glibc's mmap threshold at 1 MB (once per process, Linux only, unless MALLOC_MMAP_THRESHOLD_ is set); returns whether it is in effect.</summary>
    public static bool ReturnLargeBlocks()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null) return false;
        if (Interlocked.Exchange(ref applied, 1) == 1) return true;
        try
        {
            return MallOpt(M_MMAP_THRESHOLD, 1 << 20) == 1 & MallOpt(M_TRIM_THRESHOLD, 16 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (e.g. musl): nothing to tune
        }
    }
}
