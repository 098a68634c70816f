namespace Threadline.Prediction.Rul;

/// <summary>
/// Turns a unit's normalised history into one feature vector per cycle, using only cycles up to that one (no look-ahead).
/// Per kept sensor: exponentially smoothed values (α = 0.1 and 0.3), means over the last 5/10/20/30 cycles, least-squares
/// slopes over the last 10/20/30 cycles, and the drift of the slow smoothed value from the unit's own first 20 cycles
/// (engines start with different wear, so the change matters more than the level). Plus the cycle count itself.
/// </summary>
public static class RulFeatures
{
    private static readonly double[] SmoothingFactors = [0.1, 0.3];
    private static readonly int[] MeanWindows = [5, 10, 20, 30];
    private static readonly int[] SlopeWindows = [10, 20, 30];
    private const int BaselineCycles = 20;

    /// <summary>Features per kept sensor.</summary>
    public static int PerSensor => SmoothingFactors.Length + MeanWindows.Length + SlopeWindows.Length + 1;

    /// <summary>Length of a feature vector for <paramref name="sensorCount"/> kept sensors.</summary>
    public static int Length(int sensorCount) => sensorCount * PerSensor + 1;

    /// <summary>One feature vector per cycle of <paramref name="history"/>; row t sees cycles 0..t only.</summary>
    public static float[][] ForEveryCycle(UnitHistory history, OperatingConditionNormaliser normaliser)
    {
        var z = history.Cycles.Select(normaliser.Normalise).ToArray();
        var n = z.Length;
        var sensors = normaliser.KeptSensors.Count;
        var result = new float[n][];
        var smoothed = new double[SmoothingFactors.Length, sensors];
        var baselineSum = new double[sensors];
        for (var t = 0; t < n; t++)
        {
            var row = new float[Length(sensors)];
            var k = 0;
            for (var s = 0; s < sensors; s++)
            {
                for (var a = 0; a < SmoothingFactors.Length; a++)
                {
                    smoothed[a, s] = t == 0 ? z[0][s] : smoothed[a, s] + SmoothingFactors[a] * (z[t][s] - smoothed[a, s]);
                    row[k++] = (float)smoothed[a, s];
                }

                foreach (var w in MeanWindows)
                {
                    row[k++] = (float)WindowMean(z, t, s, w);
                }

                foreach (var w in SlopeWindows)
                {
                    row[k++] = (float)WindowSlope(z, t, s, w);
                }

                if (t < BaselineCycles)
                {
                    baselineSum[s] += z[t][s];
                }

                row[k++] = (float)(smoothed[0, s] - baselineSum[s] / Math.Min(t + 1, BaselineCycles));
            }

            row[k] = history.Cycles[t].Cycle;
            result[t] = row;
        }

        return result;
    }

    /// <summary>The feature vector at the last recorded cycle, which is what a prediction for a unit in service uses.</summary>
    public static float[] AtLastCycle(UnitHistory history, OperatingConditionNormaliser normaliser) =>
        ForEveryCycle(history, normaliser)[^1];

    private static double WindowMean(double[][] z, int t, int s, int window)
    {
        var start = Math.Max(0, t - window + 1);
        var sum = 0.0;
        for (var i = start; i <= t; i++)
        {
            sum += z[i][s];
        }

        return sum / (t - start + 1);
    }

    private static double WindowSlope(double[][] z, int t, int s, int window)
    {
        var start = Math.Max(0, t - window + 1);
        var m = t - start + 1;
        if (m < 3)
        {
            return 0;
        }

        var xMean = (m - 1) / 2.0;
        var yMean = WindowMean(z, t, s, window);
        double num = 0, den = 0;
        for (var i = 0; i < m; i++)
        {
            var dx = i - xMean;
            num += dx * (z[start + i][s] - yMean);
            den += dx * dx;
        }

        return num / den;
    }
}
