using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using LlamaDuo.Models.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// The frozen base's dtype and why. <c>auto</c> measures fp32 and bf16 GEMMs at the model's own layer shapes and takes
/// bf16 only when it is clearly faster: the CPU flag is not enough (on one host here avx512_bf16 without AMX ran bf16
/// GEMMs at 0.47-0.74 of fp32, and bf16 training 1.6-2.5x slower). The probe takes a second or two and is remembered
/// per shape for the process; a resumed run keeps the dtype it started with.
/// </summary>
internal sealed record DtypeChoice(ScalarType Dtype, string Reason)
{
    /// <summary>bf16 must beat fp32 by this factor: the casts around each bf16 projection are not in the probe.</summary>
    public const double Bf16Margin = 1.15;

    static readonly ConcurrentDictionary<(long, long, long), (double Fp32, double Bf16)> Probes = new();

    /// <summary>
    /// Resolves <paramref name="requested"/> for <paramref name="config"/>; <paramref name="resumeFolder"/> is the
    /// output folder of a run being resumed (its recorded dtype wins under auto).
    /// </summary>
    public static DtypeChoice Resolve(TrainDtype requested, TrainMethod method, Device device, LlamaConfig config, string? resumeFolder = null)
    {
        if (requested == TrainDtype.Float32) return new(ScalarType.Float32, "fp32 (asked for)");
        if (requested == TrainDtype.BFloat16) return new(ScalarType.BFloat16, "bf16 frozen base (asked for)");
        if (method == TrainMethod.Full) return new(ScalarType.Float32, "fp32 (auto: full fine-tuning trains fp32 weights)");
        if (device.type == TorchSharp.DeviceType.CUDA) return new(ScalarType.BFloat16, "bf16 frozen base (auto: CUDA)");
        if (resumeFolder is not null && RecordedDtype(resumeFolder) is { } recorded)
            return new(recorded, $"{ComputeDevice.Name(recorded)} (auto: kept from the run being resumed)");
        var (fp32, bf16) = Probes.GetOrAdd((config.HiddenSize, config.KvDim, config.IntermediateSize), _ =>
        {
            var shapes = GemmProbe.LayerShapes(config, 512);
            return (GemmProbe.Measure(ScalarType.Float32, shapes, 0.08, 2), GemmProbe.Measure(ScalarType.BFloat16, shapes, 0.08, 2));
        });
        var ratio = bf16 / fp32;
        var dtype = ratio >= Bf16Margin ? ScalarType.BFloat16 : ScalarType.Float32;
        return new(dtype, string.Create(CultureInfo.InvariantCulture,
            $"{(dtype == ScalarType.BFloat16 ? "bf16 frozen base" : "fp32")} (auto: GEMM probe at this model's layer shapes: fp32 {fp32:F0}, bf16 {bf16:F0} GFLOP/s, bf16/fp32 {ratio:F2}; bf16 needs >= {Bf16Margin:F2})"));
    }

    static ScalarType? RecordedDtype(string folder)
    {
        var file = Path.Combine(folder, TrainRunFolder.RunFile);
        if (!File.Exists(file)) return null;
        try
        {
            var saved = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file));
            return saved?.GetValueOrDefault("dtype") switch { "bfloat16" => ScalarType.BFloat16, "float32" => ScalarType.Float32, _ => null };
        }
        catch (JsonException)
        {
            return null; // TrainRunFolder.Prepare reports the broken file with its name
        }
    }
}
