using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Export;

namespace LlamaDuo.Pipeline.Tests.Export;

/// <summary>The export-format registry: names, where a run keeps each format, and the checks made before a model loads.</summary>
public class ModelExportTests
{
    [Fact]
    public void The_registry_lists_every_format_once_and_finds_them_in_any_case()
    {
        Assert.Equal(["gguf", "safetensors", "peft", "ollama", "lora-gguf"], ModelExport.Formats);
        Assert.Same(ModelExport.Ollama, ModelExport.Find("Ollama"));
        var e = Assert.Throws<InputException>(() => ModelExport.Find("onnx"));
        Assert.Equal(("--format", "onnx"), (e.Field, e.Value));
        Assert.Contains("gguf, safetensors, peft, ollama, lora-gguf", e.Message);
    }

    [Fact]
    public void The_config_accepts_the_registry_run_formats_and_names_the_key_for_any_other()
    {
        foreach (var format in ModelExport.RunFormats)
            Assert.Equal([format.Name], LlamaDuo.Pipeline.Config.LlamaDuoConfig.Parse($"data:\n  path: rows.jsonl\nexport:\n  formats: [{format.Name}]\n").Export.Formats);
        var e = Assert.Throws<InputException>(() =>
            LlamaDuo.Pipeline.Config.LlamaDuoConfig.Parse("data:\n  path: rows.jsonl\nexport:\n  formats: [lora-gguf]\n", "cfg.yaml"));
        Assert.Equal(("export.formats", "lora-gguf"), (e.Field, e.Value));
        Assert.Contains("safetensors, gguf, peft, ollama", e.Message);
    }

    [Fact]
    public void A_run_keeps_each_format_where_earlier_runs_did()
    {
        Assert.Equal(["model.gguf", "hf", "adapter", "", "adapter.gguf"], ModelExport.All.Select(f => f.InRunExport));
    }

    [Theory]
    [InlineData("gguf", "q4", null, "q4")]
    [InlineData("ollama", "f8", null, "f8")]
    [InlineData("peft", "f16", null, "--adapter")]
    [InlineData("lora-gguf", "q8_0", "adapter", "--quant f32 or f16")]
    public void A_bad_request_is_refused_before_any_model_loads(string format, string quant, string? adapter, string named)
    {
        var e = Assert.Throws<InputException>(() => ModelExport.Find(format).Check(new ExportRequest("out", quant, "m", adapter)));
        Assert.Contains(named, e.Message + e.Field + e.Value);
    }

    [Fact]
    public void A_good_request_passes_the_check()
    {
        ModelExport.Gguf.Check(new ExportRequest("m.gguf", "Q4_K_M", "m", null));
        ModelExport.Safetensors.Check(new ExportRequest("hf", "f16", "m", null));
        ModelExport.LoraGguf.Check(new ExportRequest("a.gguf", "f16", "m", "adapter"));
    }
}
