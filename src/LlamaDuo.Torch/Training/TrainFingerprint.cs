using System.Security.Cryptography;
using System.Text;
using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Loading;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// What a run's checkpoints depend on: the model, the data and every setting that changes the loss sequence. A resume
/// whose fingerprint differs from the saved one is refused before anything is written.
/// </summary>
internal static class TrainFingerprint
{
    public static SortedDictionary<string, string> Create(StudentModel student, IReadOnlyList<ChatExample> data, TrainOptions o,
        ScalarType baseDtype, int maxLength)
    {
        var f = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = student.Source,
            ["model_config"] = Hash(LlamaConfigJson.ToJson(student.Config)),
            ["data"] = DataHash(data),
            ["method"] = o.Method.ToString().ToLowerInvariant(),
            ["lr"] = o.LearningRate.ToString("R"),
            ["warmup_ratio"] = o.WarmupRatio.ToString("R"),
            ["weight_decay"] = o.WeightDecay.ToString("R"),
            ["batch_size"] = o.BatchSize.ToString(),
            ["grad_accum"] = o.GradAccum.ToString(),
            ["max_grad_norm"] = o.MaxGradNorm.ToString("R"),
            ["max_len"] = maxLength.ToString(),
            ["overlong"] = o.Overlong.ToString().ToLowerInvariant(),
            ["assistant_only_loss"] = o.AssistantOnlyLoss.ToString(),
            ["seed"] = o.Seed.ToString(),
            ["length"] = o.MaxSteps is { } steps ? $"max_steps={steps}" : $"epochs={o.Epochs}",
            ["dtype"] = ComputeDevice.Name(baseDtype),
            ["held_out"] = $"{o.HeldOutFraction:R}/{o.HeldOutMax}",
            ["init_adapter"] = o.InitAdapter is null ? "" : Path.GetFullPath(o.InitAdapter),
        };
        if (o.Packing) f["packing"] = "on"; // absent when off, so runs from before packing existed still resume
        if (o.Method == TrainMethod.Lora)
        {
            f["rank"] = o.Lora.Rank.ToString();
            f["alpha"] = o.Lora.EffectiveAlpha.ToString("R");
            f["dropout"] = o.Lora.Dropout.ToString("R");
            f["targets"] = string.Join(",", o.Lora.Targets);
        }
        return f;
    }

    /// <summary>Throws an <see cref="InputException"/> naming the first setting that differs from the saved run.</summary>
    public static void Check(IReadOnlyDictionary<string, string> saved, IReadOnlyDictionary<string, string> current, string where)
    {
        foreach (var key in saved.Keys.Union(current.Keys).Order(StringComparer.Ordinal))
        {
            saved.TryGetValue(key, out var before);
            current.TryGetValue(key, out var now);
            if (before == now) continue;
            var what = key switch
            {
                "model" or "model_config" => "was made with another model",
                "data" => "was made with other training data",
                _ => "was made with other settings",
            };
            throw new InputException(
                $"cannot resume: this folder {what} ({key} was '{before}', now '{now}'); nothing was changed. Use the same model, data and settings, or another --out",
                where, field: key, value: now ?? "");
        }
    }

    static string DataHash(IReadOnlyList<ChatExample> data)
    {
        var text = new StringBuilder();
        foreach (var e in data)
        {
            text.Append(e.Id).Append('\u0001');
            foreach (var m in e.Messages) text.Append(m.Role).Append('\u0002').Append(m.Content).Append('\u0003');
        }
        return Hash(text.ToString());
    }

    static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..16];
}
