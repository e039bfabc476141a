namespace LlamaDuo.Pipeline.Cost;

/// <summary>
/// The running-cost comparison of one task, service LLM against the migrated student, as plain arithmetic over its
/// inputs (docs/cost.md writes it out):
/// <code>
/// service $/request  c_v = (input tokens x input price + output tokens x output price) / 1e6   (x batch factor)
/// student $/request  c_s = seconds per request x machine $/hour / 3600
/// machines(V)        = max(1, ceil(V x seconds per request / 86400))     one request at a time, always on
/// 12 months          service V x 365 x c_v;  student machines(V) x $/hour x 8760
/// break-even V*      = 24 x $/hour / c_v  (requests/day; none when c_v &lt;= c_s)
/// </code>
/// </summary>
public sealed record CostCase(
    decimal ServiceDollarsPerRequest,
    double StudentSecondsPerRequest,
    MachinePrice Machine,
    MigrationSpend Migration,
    IReadOnlyList<long> RequestsPerDay,
    IReadOnlyList<CostInput> Inputs)
{
    /// <summary>The model the service is priced as, and, when that is not the run's own service (a free stand-in, --price-as), the price to reprice the migration's tokens at.</summary>
    public string ServiceModel { get; init; } = "";

    /// <summary>Set when the service is priced as another model than the run used: the migration's tokens are repriced at it too.</summary>
    public LlamaDuo.Service.Providers.ModelPrice? RepricedAs { get; init; }

    const double SecondsPerDay = 86_400;

    /// <summary>What one request costs on the student's machine while it is busy with it.</summary>
    public decimal StudentDollarsPerRequest => (decimal)StudentSecondsPerRequest * Machine.PerHour / 3600m;

    /// <summary>Requests one machine answers in a day, one at a time.</summary>
    public double RequestsPerMachineDay => SecondsPerDay / StudentSecondsPerRequest;

    /// <summary>Always-on machines needed for a daily volume (at least one).</summary>
    public int Machines(long requestsPerDay) => Math.Max(1, (int)Math.Ceiling(requestsPerDay * StudentSecondsPerRequest / SecondsPerDay - 1e-9));

    /// <summary>The 12-month (365-day) cost of both at one daily volume.</summary>
    public YearCost Year(long requestsPerDay)
    {
        var machines = Machines(requestsPerDay);
        return new YearCost(requestsPerDay, requestsPerDay * 365m * ServiceDollarsPerRequest,
            machines * Machine.PerHour * MachinePrice.HoursPerYear, machines);
    }

    /// <summary>
    /// The daily volume from which one always-on machine costs less than the service (24 x $/hour / c_v), or null
    /// when the service is cheaper per request than the student's machine time (then no volume pays back).
    /// </summary>
    public double? BreakEvenRequestsPerDay =>
        ServiceDollarsPerRequest > StudentDollarsPerRequest && ServiceDollarsPerRequest > 0
            ? (double)(24m * Machine.PerHour / ServiceDollarsPerRequest) : null;

    /// <summary>
    /// The daily volume from which the student is cheaper at every larger volume too. Past one machine's capacity a
    /// second machine is bought before its share of the volume pays for it; that dip below the service matters only
    /// when c_v / c_s &lt; 2: the last losing band n is the largest with n / (n - 1) &gt; c_v / c_s.
    /// </summary>
    public double? CheaperAtEveryVolumeFrom
    {
        get
        {
            if (BreakEvenRequestsPerDay is not { } first) return null;
            var ratio = (double)(ServiceDollarsPerRequest / StudentDollarsPerRequest);
            if (ratio >= 2) return first;
            var lastLosing = (int)Math.Ceiling(ratio / (ratio - 1)) - 1;
            return Math.Max(1, lastLosing) * first;
        }
    }

    /// <summary>Days of traffic at <paramref name="requestsPerDay"/> after which the migration's one-off spend is paid back by the saving, or null when there is no saving.</summary>
    public double? PaybackDays(long requestsPerDay)
    {
        var year = Year(requestsPerDay);
        var savingPerDay = (year.Service - year.Student) / 365m;
        return savingPerDay > 0 ? (double)(Migration.Total(Machine) / savingPerDay) : null;
    }
}

/// <summary>Twelve months (365 days) of one daily volume: the service's bill and the student's always-on machines.</summary>
public sealed record YearCost(long RequestsPerDay, decimal Service, decimal Student, int Machines);
