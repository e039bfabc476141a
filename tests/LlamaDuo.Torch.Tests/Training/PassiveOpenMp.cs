using System.Runtime.CompilerServices;
using LlamaDuo.Torch.Training;

namespace LlamaDuo.Torch.Tests.Training;

/// <summary>
/// Sets OMP_WAIT_POLICY=PASSIVE before any test loads libtorch: on shared, busy cores spinning OpenMP threads made
/// training ~10x slower (see <see cref="OpenMpWaits"/>).
/// </summary>
internal static class PassiveOpenMp
{
#pragma warning disable CA2255 // a test assembly is the process's entry point here; this must run before libtorch loads
    [ModuleInitializer]
    internal static void Init() => OpenMpWaits.PreferPassive();
#pragma warning restore CA2255
}
