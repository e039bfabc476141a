using System.Text;
using System.Text.Json.Nodes;
using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Models.Tokenizers;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Lora;

namespace LlamaDuo.Pipeline.Export;

/// <summary>
/// Writes a trained student in the deployable formats: <c>gguf</c> (one file: merged weights, tokenizer, chat
/// template), <c>safetensors</c> (a merged Hugging Face folder with tokenizer files and the chat template in
/// tokenizer_config.json), <c>peft</c> (the LoRA adapter folder as trained) and <c>ollama</c> (a folder with the GGUF
/// and a Modelfile whose TEMPLATE and stop parameters match training). Used by the loop's export stage and by
/// `llamaduo export`. The quant is any <see cref="GgufQuants.Names"/> entry in any case: f32/f16/bf16/q8_0 from our
/// writer, q4_k_m and the other llama.cpp quants from llama.cpp's quantizer, so the loop's parity gate (which runs
/// export/model.gguf) measures what quantization costs.
/// </summary>
public static class ModelExport
{
    public static readonly IReadOnlyList<string> Formats = ["gguf", "safetensors", "peft", "ollama"];

    /// <summary>Checks a format and quant before any model is loaded, so a typo fails fast.</summary>
    public static void Check(string format, string quant)
    {
        if (!Formats.Contains(format))
            throw new InputException($"unknown export format; one of: {string.Join(", ", Formats)}", field: "--format", value: format);
        GgufQuants.Parse(quant);
    }

    /// <summary>
    /// Writes <paramref name="format"/> to <paramref name="outPath"/> (a file for gguf, a folder otherwise).
    /// <paramref name="student"/> must already hold the merged weights; <paramref name="adapterDir"/> is the PEFT
    /// adapter they came from (needed for peft).
    /// </summary>
    public static string Write(StudentModel student, string format, string outPath, string quant, string name, string? adapterDir)
    {
        Check(format, quant);
        switch (format)
        {
            case "gguf":
                StudentModelExport.ToGguf(student, outPath, GgufQuants.Parse(quant), name);
                return outPath;
            case "safetensors":
                WriteHfFolder(student, outPath);
                return outPath;
            case "peft":
                if (adapterDir is null || !PeftAdapterFiles.Exists(adapterDir))
                    throw new InputException("peft export needs a LoRA adapter: pass --adapter DIR or --run DIR of a LoRA run", field: "--format", value: format);
                CopyFolder(adapterDir, outPath);
                return outPath;
            default: // ollama
                Directory.CreateDirectory(outPath);
                StudentModelExport.ToGguf(student, Path.Combine(outPath, "model.gguf"), GgufQuants.Parse(quant), name);
                AtomicFile.WriteAllText(Path.Combine(outPath, "Modelfile"), Modelfile(student, "./model.gguf"));
                return outPath;
        }
    }

    /// <summary>Loads the base, applies a PEFT adapter or takes a fully fine-tuned folder, and merges: ready to export.</summary>
    public static StudentModel LoadMerged(string model, string? adapterDir, string? templateOverride = null)
    {
        var student = ModelLoader.Load(model, TorchSharp.torch.ScalarType.Float32, templateOverride);
        if (adapterDir is not null) LoraModel.MergeAdapter(student.Module, adapterDir);
        return student;
    }

    /// <summary>An Ollama Modelfile: the GGUF, the template in Ollama's syntax and one stop parameter per stop string.</summary>
    public static string Modelfile(StudentModel student, string ggufPath)
    {
        var sb = new StringBuilder();
        sb.Append("# Made by LlamaDuo. `ollama create NAME -f Modelfile` then `ollama run NAME`.\n");
        sb.Append($"FROM {ggufPath}\n");
        if (student.Template.OllamaTemplate is { } template) sb.Append($"TEMPLATE \"\"\"{template}\"\"\"\n");
        foreach (var stop in student.Template.StopStrings) sb.Append($"PARAMETER stop \"{stop.Replace("\"", "\\\"")}\"\n");
        return sb.ToString();
    }

    /// <summary>config.json + model.safetensors, the tokenizer files, and the chat template in tokenizer_config.json.</summary>
    static void WriteHfFolder(StudentModel student, string folder)
    {
        var source = Directory.Exists(student.Source) ? student.Source : null;
        HfFolderWriter.Write(student.Module, folder, copySideFilesFrom: source);
        if (student.Tokenizer is Llama2cTokenizer llama2c && !File.Exists(Path.Combine(folder, "tokenizer.json")))
            Llama2cTokenizerJson.Write(llama2c, folder);
        // The stop ids travel in generation_config.json (llama2.c models end replies on BOS, not EOS).
        var generationPath = Path.Combine(folder, "generation_config.json");
        if (!File.Exists(generationPath))
        {
            var generation = new JsonObject { ["eos_token_id"] = new JsonArray(student.StopTokenIds.Select(id => (JsonNode)id).ToArray()) };
            if (student.Tokenizer.BosId is { } bos) generation["bos_token_id"] = bos;
            AtomicFile.WriteAllText(generationPath, generation.ToJsonString());
        }
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        var config = File.Exists(configPath) ? JsonNode.Parse(File.ReadAllText(configPath))!.AsObject() : new JsonObject();
        if (config["chat_template"] is null && student.Template.JinjaSource is { } jinja) config["chat_template"] = jinja;
        AtomicFile.WriteAllText(configPath, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
    }
}
