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
/// The registry of deployable formats, used by the loop's export stage and by `llamaduo export`: <c>gguf</c> (one file:
/// merged weights, tokenizer, chat template), <c>safetensors</c> (a merged Hugging Face folder with tokenizer files and
/// the chat template in tokenizer_config.json), <c>peft</c> (the LoRA adapter folder as trained), <c>ollama</c> (a
/// folder with the GGUF and a Modelfile whose TEMPLATE and stop parameters match training) and <c>lora-gguf</c> (the
/// adapter alone, for llama.cpp to apply on the base GGUF at run time). The quant is any <see cref="GgufQuants.Names"/>
/// entry in any case: f32/f16/bf16/q8_0 from our writer, q4_k_m and the other llama.cpp quants from llama.cpp's
/// quantizer, so the loop's parity gate (which runs export/model.gguf) measures what quantization costs.
/// </summary>
public static class ModelExport
{
    /// <summary>One file: merged weights, tokenizer and chat template; export/model.gguf in a run.</summary>
    public static readonly ExportFormat Gguf = new("gguf", "model.gguf", r => GgufQuants.Parse(r.Quant), (m, r) =>
    {
        StudentModelExport.ToGguf(m, r.Out, GgufQuants.Parse(r.Quant), r.Name);
        return [r.Out];
    });

    /// <summary>A merged Hugging Face folder; export/hf in a run.</summary>
    public static readonly ExportFormat Safetensors = new("safetensors", "hf", _ => { }, (m, r) =>
    {
        WriteHfFolder(m, r.Out);
        return [r.Out];
    });

    /// <summary>The PEFT adapter folder as trained; export/adapter in a run.</summary>
    public static readonly ExportFormat Peft = new("peft", "adapter", r =>
    {
        if (r.AdapterDir is null || !PeftAdapterFiles.Exists(r.AdapterDir))
            throw new InputException("peft export needs a LoRA adapter: pass --adapter DIR or --run DIR of a LoRA run", r.AdapterDir, field: "--adapter");
    }, (_, r) =>
    {
        CopyFolder(r.AdapterDir!, r.Out);
        return [r.Out];
    });

    /// <summary>A folder with model.gguf and a Modelfile; in a run, the export folder itself.</summary>
    public static readonly ExportFormat Ollama = new("ollama", "", r => GgufQuants.Parse(r.Quant), (m, r) =>
    {
        Directory.CreateDirectory(r.Out);
        string gguf = Path.Combine(r.Out, "model.gguf"), modelfile = Path.Combine(r.Out, "Modelfile");
        StudentModelExport.ToGguf(m, gguf, GgufQuants.Parse(r.Quant), r.Name);
        AtomicFile.WriteAllText(modelfile, Modelfile(m, "./model.gguf"));
        return [gguf, modelfile];
    });

    /// <summary>The LoRA adapter alone as GGUF (f32 or f16), for llama.cpp to apply on the base GGUF at run time.</summary>
    public static readonly ExportFormat LoraGguf = new("lora-gguf", "adapter.gguf", r =>
    {
        if (r.AdapterDir is null || GgufQuants.Parse(r.Quant) is not (GgufQuant.F32 or GgufQuant.F16))
            throw new InputException("--format lora-gguf needs --adapter DIR (or --run DIR) and --quant f32 or f16", field: "--adapter");
    }, (m, r) =>
    {
        LoraGgufExport.Export(r.AdapterDir ?? throw new InputException("the best round has no LoRA adapter (full fine-tuning); use --format gguf"),
            m.Config, r.Out, GgufQuants.Parse(r.Quant).TensorType(), r.Name);
        return [r.Out];
    });

    /// <summary>Every format this build writes, in the order `llamaduo export` lists them.</summary>
    public static readonly IReadOnlyList<ExportFormat> All = [Gguf, Safetensors, Peft, Ollama, LoraGguf];

    /// <summary>
    /// What the config's <c>export.formats</c> may name: the formats of a finished run. <see cref="LoraGguf"/> is the
    /// <c>export</c> command's (an adapter for a llama.cpp user's own base), not a run's.
    /// </summary>
    public static readonly IReadOnlyList<ExportFormat> RunFormats = [Safetensors, Gguf, Peft, Ollama];

    /// <summary>The format's names, for messages and config checks.</summary>
    public static IReadOnlyList<string> Formats => [.. All.Select(f => f.Name)];

    /// <summary>The format called <paramref name="name"/> (any case); an unknown name is an error listing the known ones.</summary>
    public static ExportFormat Find(string name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InputException($"unknown export format; this build writes: {string.Join(", ", Formats)}", field: "--format", value: name);

    /// <summary>
    /// Writes <paramref name="format"/> to <paramref name="outPath"/> (a file for gguf, a folder otherwise) and
    /// returns what it wrote. <paramref name="student"/> must already hold the merged weights;
    /// <paramref name="adapterDir"/> is the PEFT adapter they came from (needed for peft).
    /// </summary>
    public static IReadOnlyList<string> Write(StudentModel student, string format, string outPath, string quant, string name, string? adapterDir) =>
        Write(student, Find(format), new ExportRequest(outPath, quant, name, adapterDir));

    /// <summary>Checks <paramref name="request"/> and writes <paramref name="format"/>; returns the files and folders written.</summary>
    public static IReadOnlyList<string> Write(StudentModel student, ExportFormat format, ExportRequest request)
    {
        format.Check(request);
        return format.Write(student, request);
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
