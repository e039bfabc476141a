using LlamaDuo.Torch.Loading;

namespace LlamaDuo.Pipeline.Export;

/// <summary>
/// One deployable format of <see cref="ModelExport"/>: its name (`--format`, export.formats), where the loop's export
/// stage puts it inside export/ (<see cref="InRunExport"/>; empty for the export folder itself), the check of the
/// request made before any model is loaded, and the writer, which returns the files and folders it wrote.
/// </summary>
public sealed record ExportFormat(string Name, string InRunExport, Action<ExportRequest> Check,
    Func<StudentModel, ExportRequest, IReadOnlyList<string>> Write);

/// <summary>
/// What to export: the output (a file for gguf and lora-gguf, a folder otherwise), the quant of weight matrices, the
/// model name stored in the files, and the PEFT adapter the merged weights came from (peft and lora-gguf need it).
/// </summary>
public sealed record ExportRequest(string Out, string Quant, string Name, string? AdapterDir);
