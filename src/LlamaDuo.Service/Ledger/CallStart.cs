namespace LlamaDuo.Service.Ledger;

/// <summary>A call about to be sent (see <see cref="CallLedger.Starting"/>): its id, when, and to whom.</summary>
public sealed record CallStart(string Id, DateTimeOffset Time, string Stage, string Provider, string Model);
