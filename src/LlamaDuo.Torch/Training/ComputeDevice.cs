using LlamaDuo.Core.Errors;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>Picks the device and the frozen base's dtype from what this machine can do.</summary>
public static class ComputeDevice
{
    /// <summary>The TorchSharp device for "cpu" or "cuda"; CUDA without TorchSharp's CUDA backend is bad input.</summary>
    public static Device Resolve(string name)
    {
        if (name == "cpu") return CPU;
        if (name == "cuda")
        {
            if (!cuda.is_available())
                throw new InputException("CUDA is not available: TorchSharp's CUDA backend (TorchSharp-cuda-linux) is not installed or no GPU is visible; use --device cpu",
                    field: "device", value: name);
            return CUDA;
        }
        throw new InputException("device must be cpu or cuda", field: "device", value: name);
    }

    /// <summary>
    /// True when the CPU advertises native bf16 dot products (AVX-512 BF16 or AMX-BF16), read from /proc/cpuinfo. Only
    /// a hint: whether bf16 is faster is measured (<see cref="DtypeChoice"/>).
    /// </summary>
    public static bool CpuHasFastBf16()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return false;
        foreach (var line in File.ReadLines(cpuinfo))
        {
            if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
            var flags = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");
        }
        return false;
    }

    /// <summary>
    /// Physical cores this process may use: distinct (physical id, core id) pairs in /proc/cpuinfo, capped by the CPUs
    /// .NET sees (cgroup quotas, affinity). Hyper-threads share a core's vector units, so GEMM threads beyond this only contend.
    /// </summary>
    public static int PhysicalCores()
    {
        var cores = new HashSet<string>();
        if (File.Exists("/proc/cpuinfo"))
        {
            string physical = "0";
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("physical id", StringComparison.Ordinal)) physical = line[(line.IndexOf(':') + 1)..].Trim();
                else if (line.StartsWith("core id", StringComparison.Ordinal)) cores.Add(physical + "/" + line[(line.IndexOf(':') + 1)..].Trim());
            }
        }
        return Math.Clamp(cores.Count == 0 ? Environment.ProcessorCount : cores.Count, 1, Environment.ProcessorCount);
    }

    /// <summary>Sets libtorch's intra-op threads to <see cref="PhysicalCores"/> unless OMP_NUM_THREADS chose; returns the count in use.</summary>
    public static int UsePhysicalCores()
    {
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null && get_num_threads() != PhysicalCores()) set_num_threads(PhysicalCores());
        return get_num_threads();
    }

    /// <summary>"float32" / "bfloat16", as Hugging Face configs spell dtypes.</summary>
    public static string Name(ScalarType dtype) => dtype == ScalarType.BFloat16 ? "bfloat16" : "float32";
}
