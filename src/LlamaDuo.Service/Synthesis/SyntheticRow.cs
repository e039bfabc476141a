using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Synthesis;

/// <summary>A generated example with its provenance. <c>Example.Id == Provenance.RowId</c>.</summary>
public sealed record SyntheticRow(ChatExample Example, SynthesisProvenance Provenance);
