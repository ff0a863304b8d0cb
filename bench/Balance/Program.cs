using System.Diagnostics;
using System.Globalization;
using Terrain.Features.TerritoryDesign.Balancing;

// The territory balancer's benchmark (issue 13 §3): seeded instances with accounts clustered in cities and
// lognormal potentials; prints a markdown report. Usage: balance [sizes...] where a size is TERRITORIESxACCOUNTS
// (default: 10x2000 2000x200000). Environment: BENCH_SEED (1), BENCH_BUDGET_SMALL (4.5 s), BENCH_BUDGET_LARGE (110 s).
// Also BENCH_LOOSE, BENCH_SWEEP, BENCH_ONLY_FRESH, BENCH_RESTARTS, BENCH_ROUNDS, BENCH_SOLVER_SEED (bench/balance.sh).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var seed = int.Parse(Environment.GetEnvironmentVariable("BENCH_SEED") ?? "1", CultureInfo.InvariantCulture);
var sizes = args.Length > 0 ? args : ["10x2000", "2000x200000"];
Console.WriteLine("| Instance | Scenario | Time s | CPU s | Within ±5% | Potential max dev % | Potential CV | Workload max dev % | Workload CV | Compactness km | k-means km | Ratio | Farthest km | Moved | Lower bound |");
Console.WriteLine("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var size in sizes)
{
    var parts = size.Split('x');
    var k = int.Parse(parts[0], CultureInfo.InvariantCulture);
    var n = int.Parse(parts[1], CultureInfo.InvariantCulture);
    var budget = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable(n > 20000 ? "BENCH_BUDGET_LARGE" : "BENCH_BUDGET_SMALL") ?? (n > 20000 ? "110" : "4.5"), CultureInfo.InvariantCulture));
    var instance = Instance.Generate(k, n, seed);
    var watch = Stopwatch.StartNew();
    var kmeans = KMeansReference.Run(instance.Accounts.Select(a => a.Location).ToArray(), k, seed);
    var kmeansTime = watch.Elapsed.TotalSeconds;
    Console.Error.WriteLine($"{size}: k-means {kmeans.CompactnessKm:F0} km in {kmeansTime:F1} s ({kmeans.Iterations} iterations)");

    // 1. A fresh alignment: no current territories, centres float (the capacitated centred clustering case).
    var fresh = new BalancingProblem(instance.Accounts.Select(a => a with { CurrentTerritory = null }).ToArray(),
        instance.Territories.Select(t => t with { Base = null }).ToArray(), new BalancingGoals { Centres = CentreMode.Floating });
    Run(size, "fresh, centres float", fresh, budget, kmeans.CompactnessKm);
    if (Environment.GetEnvironmentVariable("BENCH_LOOSE") == "1")
    {
        // The solver with balance switched off (±1000%): how close it comes to k-means on compactness alone.
        Run(size, "fresh, centres float, no balance (±1000%)", fresh with { Goals = fresh.Goals with { PotentialTolerance = 10, WorkloadTolerance = 10 } }, budget, kmeans.CompactnessKm);
    }
    if (Environment.GetEnvironmentVariable("BENCH_SWEEP") is { Length: > 0 } sweep)
    {
        // The price of balance: the same fresh instance with the tolerance opened step by step (BENCH_SWEEP="0.1 0.2 0.5").
        foreach (var tol in sweep.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)))
        {
            Run(size, $"fresh, centres float, ±{tol * 100:F0}%", fresh with { Goals = fresh.Goals with { PotentialTolerance = tol, WorkloadTolerance = tol } }, budget, kmeans.CompactnessKm);
        }
    }
    if (Environment.GetEnvironmentVariable("BENCH_ONLY_FRESH") == "1")
    {
        continue;
    }

    // 2. From the current (unbalanced) alignment, reps stay at their base, without and with the disruption goal.
    var inPlace = new BalancingProblem(instance.Accounts, instance.Territories, new BalancingGoals { Centres = CentreMode.RepsStayInPlace });
    var current = AlignmentMetrics.MeasureCurrent(inPlace);
    Console.WriteLine($"| {size} | current alignment, reps in place | | | {(current.WithinTolerance ? "yes" : "no")} | {current.Potential.MaxDeviationPercent:F1} | {current.Potential.CoefficientOfVariation:F3} | {current.Workload.MaxDeviationPercent:F1} | {current.Workload.CoefficientOfVariation:F3} | {current.CompactnessKm:F0} | {kmeans.CompactnessKm:F0} | {current.CompactnessKm / kmeans.CompactnessKm:F3} | {current.FarthestKm:F0} | | |");
    Run(size, "reps in place, no disruption goal", inPlace, budget, kmeans.CompactnessKm);
    Run(size, "reps in place, minimal disruption (weight 10)", inPlace with { Goals = inPlace.Goals with { Disruption = 10 } }, budget, kmeans.CompactnessKm);
    var floatingDisruption = new BalancingProblem(instance.Accounts, instance.Territories, new BalancingGoals { Centres = CentreMode.Floating, Disruption = 10 });
    Run(size, "centres float, minimal disruption (weight 10)", floatingDisruption, budget, kmeans.CompactnessKm);
}

static void Run(string size, string scenario, BalancingProblem problem, TimeSpan budget, double kmeansKm)
{
    var lastPhase = (BalancingPhase)(-1);
    var progress = new SyncProgress(p =>
    {
        if (p.Phase != lastPhase)
        {
            lastPhase = p.Phase;
            Console.Error.WriteLine($"  {scenario}: {p.Phase} (potential ±{p.PotentialMaxDeviationPercent:F1}%, workload ±{p.WorkloadMaxDeviationPercent:F1}%)");
        }
    });
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var result = TerritoryBalancer.Balance(problem, new BalancingOptions { Seed = OptSeed, TimeBudget = budget, ImprovementRounds = Rounds, Restarts = RestartCount }, progress);
    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    var f = result.Figures;
    var within = result.Status switch
    {
        BalancingStatus.WithinTolerance => "yes",
        BalancingStatus.Infeasible => "infeasible",
        BalancingStatus.NotFound => "**no**",
        _ => throw new UnreachableException(),
    };
    Console.WriteLine($"| {size} | {scenario} | {result.Elapsed.TotalSeconds:F1}{(result.StoppedEarly ? " (budget)" : "")} | {cpu.TotalSeconds:F1} | {within} | {f.Potential.MaxDeviationPercent:F2} | {f.Potential.CoefficientOfVariation:F4} | {f.Workload.MaxDeviationPercent:F2} | {f.Workload.CoefficientOfVariation:F4} | {f.CompactnessKm:F0} | {kmeansKm:F0} | {f.CompactnessKm / kmeansKm:F3} | {f.FarthestKm:F0} | {f.AccountsMoved} | {result.DisruptionLowerBound} |");
}

internal static partial class Program
{
    /// <summary>BENCH_SOLVER_SEED: the balancer's seed (default 1); BENCH_ROUNDS: its improvement rounds (default: its own choice).</summary>
    private static int OptSeed => int.Parse(Environment.GetEnvironmentVariable("BENCH_SOLVER_SEED") ?? "1", CultureInfo.InvariantCulture);

    private static int? RestartCount => Environment.GetEnvironmentVariable("BENCH_RESTARTS") is { Length: > 0 } r ? int.Parse(r, CultureInfo.InvariantCulture) : null;

    private static int? Rounds => Environment.GetEnvironmentVariable("BENCH_ROUNDS") is { Length: > 0 } r ? int.Parse(r, CultureInfo.InvariantCulture) : null;
}

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
internal sealed class SyncProgress(Action<BalancingProgress> report) : IProgress<BalancingProgress>
{
    public void Report(BalancingProgress value) => report(value);
}

/// <summary>
/// A seeded instance: cities with Zipf-like sizes inside the continental United States, accounts normally scattered
/// around them (10% rural, anywhere), lognormal potentials (median about $60,000, sigma 1), workload one per account;
/// territories with a rep based at a random account, and a current alignment of each account to the nearest rep (as
/// in a real book of business: compact but unbalanced).
/// </summary>
internal sealed record Instance(BalancingAccount[] Accounts, BalancingTerritory[] Territories)
{
    public static Instance Generate(int territories, int accounts, int seed)
    {
        var rng = new Random(seed);
        var cityCount = Math.Max(20, accounts / 500);
        var cities = new (double Lat, double Lon, double Spread)[cityCount];
        var weights = new double[cityCount];
        for (var c = 0; c < cityCount; c++)
        {
            cities[c] = (rng.NextDouble() * 22 + 26, rng.NextDouble() * 50 - 122, 0.05 + rng.NextDouble() * 0.4);
            weights[c] = 1.0 / Math.Pow(c + 1, 0.9);
        }
        var total = weights.Sum();
        var points = new GeoPoint[accounts];
        for (var i = 0; i < accounts; i++)
        {
            if (rng.NextDouble() < 0.1)
            {
                points[i] = new GeoPoint(rng.NextDouble() * 22 + 26, rng.NextDouble() * 50 - 122);
                continue;
            }
            var r = rng.NextDouble() * total;
            var city = 0;
            while (city < cityCount - 1 && (r -= weights[city]) > 0)
            {
                city++;
            }
            var (lat, lon, spread) = cities[city];
            points[i] = new GeoPoint(Math.Clamp(lat + Gaussian(rng) * spread, -89, 89), Math.Clamp(lon + Gaussian(rng) * spread * 1.3, -179, 179));
        }
        var bases = new GeoPoint[territories];
        for (var t = 0; t < territories; t++)
        {
            bases[t] = points[rng.Next(accounts)];
        }
        var result = new BalancingAccount[accounts];
        for (var i = 0; i < accounts; i++)
        {
            var nearest = 0;
            var best = double.MaxValue;
            for (var t = 0; t < territories; t++)
            {
                var dLat = points[i].Latitude - bases[t].Latitude;
                var dLon = (points[i].Longitude - bases[t].Longitude) * Math.Cos(points[i].Latitude * Math.PI / 180);
                var d = dLat * dLat + dLon * dLon;
                if (d < best)
                {
                    best = d;
                    nearest = t;
                }
            }
            var potential = Math.Round((decimal)Math.Exp(11 + Gaussian(rng)), 2);
            result[i] = new BalancingAccount(Id(1, i), points[i], potential, 1, nearest);
        }
        var terr = Enumerable.Range(0, territories).Select(t => new BalancingTerritory(Id(2, t), bases[t])).ToArray();
        return new Instance(result, terr);
    }

    private static Guid Id(int kind, int i) => new(i, (short)kind, 0, new byte[8]);

    private static double Gaussian(Random rng)
    {
        var u = 1 - rng.NextDouble();
        var v = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
