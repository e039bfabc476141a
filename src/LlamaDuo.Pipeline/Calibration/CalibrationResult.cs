namespace LlamaDuo.Pipeline.Calibration;

/// <summary>Agreement of the judge with the human scores on one metric (rows with a numeric human score).</summary>
public sealed record MetricAgreement(string Metric, int Rows, double Spearman, double Kendall, double Bias, double BiasLow, double BiasHigh);

/// <summary>A bias probe: the judge's row score on the altered candidate minus the original, and whether it is a problem.</summary>
public sealed record ProbeResult(string Probe, string Meaning, int Rows, double MeanChange, double Low, double High, int Passed, bool Flagged);

/// <summary>Everything `llamaduo judge calibrate` measured (written as calibration.json).</summary>
public sealed record CalibrationResult(
    string Judge,
    int Rounds,
    double MinSimilarity,
    double MinPrecision,
    int LabelledRows,
    int ScoredRows,
    IReadOnlyList<MetricAgreement> Agreement,
    int PassFailRows,
    double PassAgreement,
    double CohenKappa,
    int HumanPasses,
    int JudgePasses,
    IReadOnlyList<ProbeResult> Probes,
    IReadOnlyList<CalibrationRow> Rows);

/// <summary>One labelled row's figures: human verdict, judge scores (null when unscored) and the probes' row scores.</summary>
public sealed record CalibrationRow(string Id, int Line, double? Human, bool HumanPasses, double? Similarity, double? Precision,
    bool? JudgePasses, double? Verbose, double? OffTarget, string? Diagnostic);
