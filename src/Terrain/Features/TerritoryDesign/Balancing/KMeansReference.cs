namespace Terrain.Features.TerritoryDesign.Balancing;

public sealed record KMeansResult(int[] Assignment, GeoPoint[] Centres, double CompactnessKm, int Iterations);

/// <summary>
/// Plain Lloyd k-means (k-means++ seeding) on the points as 3-D vectors, ignoring balance: the compactness floor the
/// balancer is compared with. Compactness is the sum of haversine distances from each point to its cluster's centroid.
/// </summary>
public static class KMeansReference
{
    public static KMeansResult Run(IReadOnlyList<GeoPoint> points, int clusters, int seed = 1, int maxIterations = 100,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        var n = points.Count;
        var x = new double[n];
        var y = new double[n];
        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            Geo.ToVector(points[i], out x[i], out y[i], out z[i]);
        }
        var k = Math.Min(clusters, Math.Max(n, 1));
        var cx = new double[k];
        var cy = new double[k];
        var cz = new double[k];
        var rng = new Random(seed);
        var minD2 = new double[n];
        Array.Fill(minD2, double.MaxValue);
        var next = n == 0 ? -1 : rng.Next(n);
        for (var c = 0; c < k; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (n == 0)
            {
                break;
            }
            cx[c] = x[next];
            cy[c] = y[next];
            cz[c] = z[next];
            double total = 0;
            for (var i = 0; i < n; i++)
            {
                var dx = x[i] - cx[c];
                var dy = y[i] - cy[c];
                var dz = z[i] - cz[c];
                var d2 = dx * dx + dy * dy + dz * dz;
                if (d2 < minD2[i])
                {
                    minD2[i] = d2;
                }
                total += minD2[i];
            }
            var r = rng.NextDouble() * total;
            next = n - 1;
            for (var i = 0; i < n; i++)
            {
                r -= minD2[i];
                if (r <= 0)
                {
                    next = i;
                    break;
                }
            }
        }
        var assignment = new int[n];
        Array.Fill(assignment, -1);
        var ids = Enumerable.Range(0, k).ToArray();
        var iterations = 0;
        for (; iterations < maxIterations; iterations++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tree = new KdTree(cx, cy, cz, ids);
            var changed = 0;
            Parallel.For(0, n, () => 0, (i, _, local) =>
            {
                Span<int> best = stackalloc int[1];
                Span<double> d2 = stackalloc double[1];
                tree.Nearest(x[i], y[i], z[i], best, d2);
                if (assignment[i] != best[0])
                {
                    assignment[i] = best[0];
                    local++;
                }
                return local;
            }, local => Interlocked.Add(ref changed, local));
            var sx = new double[k];
            var sy = new double[k];
            var sz = new double[k];
            var count = new int[k];
            for (var i = 0; i < n; i++)
            {
                var c = assignment[i];
                sx[c] += x[i];
                sy[c] += y[i];
                sz[c] += z[i];
                count[c]++;
            }
            for (var c = 0; c < k; c++)
            {
                if (count[c] > 0)
                {
                    cx[c] = sx[c] / count[c];
                    cy[c] = sy[c] / count[c];
                    cz[c] = sz[c] / count[c];
                }
            }
            if (changed == 0)
            {
                break;
            }
        }
        var centres = new GeoPoint[k];
        for (var c = 0; c < k; c++)
        {
            centres[c] = Geo.ToPoint(cx[c], cy[c], cz[c]);
        }
        double compactness = 0;
        for (var i = 0; i < n; i++)
        {
            compactness += Geo.HaversineKm(points[i], centres[assignment[i]]);
        }
        return new KMeansResult(assignment, centres, compactness, iterations);
    }
}
