using System.Runtime.InteropServices;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// libtorch's OpenMP threads spin while they wait for each other. When the cores are shared with other busy processes
/// a descheduled thread stalls every parallel region: measured here, a [512, 288] x [288, 768] fp32 matmul on 2 threads
/// fell from 22 to 2.4 GFLOP/s under load, while with OMP_WAIT_POLICY=PASSIVE it kept 22. This sets that policy for
/// the process unless the user chose one. It must run before libtorch is loaded (the first torch call), because
/// libgomp reads its environment once, at load; .NET's Environment.SetEnvironmentVariable does not reach native code
/// on Linux, hence setenv.
/// </summary>
public static partial class OpenMpWaits
{
    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE on Linux when it is not set already; returns whether the process now has it.</summary>
    public static bool PreferPassive()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { } chosen) return chosen.Equals("passive", StringComparison.OrdinalIgnoreCase);
        return SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0) == 0;
    }
}
