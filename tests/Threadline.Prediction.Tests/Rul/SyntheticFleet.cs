namespace Threadline.Prediction.Rul;

/// <summary>Run-to-failure histories with a known shape: four sensors drift exponentially towards failure, one is flat.</summary>
internal static class SyntheticFleet
{
    public static IReadOnlyList<UnitHistory> Runs(int units, int seed, double settingOffset = 0)
    {
        var random = new Random(seed);
        var runs = new List<UnitHistory>();
        for (var u = 1; u <= units; u++)
        {
            var life = random.Next(120, 220);
            var cycles = new List<CycleObservation>();
            for (var t = 1; t <= life; t++)
            {
                var wear = Math.Exp((t - life) / 40.0);
                double[] sensors =
                [
                    500 + 10 * wear + Noise(random, 0.5) + settingOffset * 20,
                    1500 - 30 * wear + Noise(random, 1.5),
                    20 + 2 * wear + Noise(random, 0.1),
                    8 + 0.5 * wear + Noise(random, 0.03),
                    100,
                ];
                cycles.Add(new CycleObservation(t, [settingOffset, 0, 100], sensors));
            }

            runs.Add(new UnitHistory(u, cycles));
        }

        return runs;
    }

    private static double Noise(Random random, double sd) => sd * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2;
}
