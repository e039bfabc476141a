using System.Globalization;
using System.Text;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Torch.Training;

namespace LlamaDuo.Pipeline.Training;

/// <summary>
/// Renders trl_sft.yaml: the TRL `sft` script's arguments (ScriptArguments + SFTConfig + ModelConfig with PEFT LoRA)
/// equivalent to our student options, so `trl sft --config trl_sft.yaml` trains what our trainer would.
/// </summary>
internal static class TrlSftConfig
{
    public static string Render(StudentOptions student, string jobDir)
    {
        var t = student.Training;
        var l = student.Lora;
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var y = new StringBuilder();
        y.AppendLine("# TRL SFT config equivalent to the loop's student options; run with: trl sft --config trl_sft.yaml");
        y.AppendLine("# (or accelerate launch -m trl.scripts.sft --config trl_sft.yaml). Written by llamaduo; edits are overwritten.");
        y.AppendLine($"model_name_or_path: {Q(student.Model)}");
        y.AppendLine($"dataset_name: {Q(Path.Combine(jobDir, "data"))}");
        y.AppendLine("dataset_train_split: train");
        y.AppendLine($"output_dir: {Q(Path.Combine(jobDir, "output", "adapter"))}");
        y.AppendLine($"num_train_epochs: {t.Epochs}");
        y.AppendLine($"learning_rate: {N(t.LearningRate)}");
        y.AppendLine("lr_scheduler_type: cosine");
        y.AppendLine($"warmup_ratio: {N(t.WarmupRatio)}");
        y.AppendLine($"weight_decay: {N(t.WeightDecay)}");
        y.AppendLine($"max_grad_norm: {N(t.MaxGradNorm)}");
        y.AppendLine($"per_device_train_batch_size: {t.BatchSize}");
        y.AppendLine($"gradient_accumulation_steps: {t.GradAccum}");
        y.AppendLine("# TRL before 0.16 calls this max_seq_length.");
        y.AppendLine($"max_length: {t.MaxLen}");
        y.AppendLine($"seed: {t.Seed}");
        y.AppendLine("# loss on the assistant's tokens only, as our trainer does");
        y.AppendLine("assistant_only_loss: true");
        if (t.Dtype == TrainDtype.BFloat16) y.AppendLine("bf16: true");
        y.AppendLine("save_strategy: \"no\"");
        y.AppendLine("report_to: none");
        y.AppendLine("use_peft: true");
        y.AppendLine($"lora_r: {l.Rank}");
        y.AppendLine($"lora_alpha: {N(l.EffectiveAlpha)}");
        y.AppendLine($"lora_dropout: {N(l.Dropout)}");
        y.AppendLine($"lora_target_modules: [{string.Join(", ", l.Targets)}]");
        return y.ToString();
    }

    /// <summary>A YAML double-quoted string.</summary>
    static string Q(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
