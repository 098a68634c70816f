using static Threadline.Twins.PumpRevisions;

namespace Threadline.Twins;

public partial class TwinEngineTests
{
    /// <summary>Hourly samples for <paramref name="days"/> days with vibration rising by <paramref name="perDay"/> mm/s a day from 1.5.</summary>
    private static TwinDriver Trending(TwinModel model, double days, double perDay)
    {
        var twin = new TwinDriver(model);
        for (var hour = 0; hour < days * 24; hour++)
        {
            twin.Send(Running(T0.AddHours(hour), vibration: 1.5 + perDay * hour / 24.0));
        }
        return twin;
    }

    [Fact]
    public void Apply_HealthyPump_HasHighHealthAndNoRulBeforeThreeCompletedDays()
    {
        var twin = Trending(ModelD, days: 2.5, perDay: 0);

        Assert.Equal(RulBasis.Unknown, twin.State.Rul.Basis);
        Assert.Null(twin.State.Rul.Days);
        Assert.InRange(twin.State.Health!.Value, 0.9, 1.0);
        Assert.Equal(3, twin.State.FailureModes.Length);
    }

    [Fact]
    public void Apply_FlatVibrationForDays_HasNoTrendAndNoRulFigure()
    {
        var twin = Trending(ModelD, days: 6, perDay: 0);

        Assert.Equal(RulBasis.NoTrend, twin.State.Rul.Basis);
        Assert.Null(twin.State.Rul.Days);
    }

    [Fact]
    public void Apply_VibrationRisingForDays_ExtrapolatesToTheRevisionsCriticalLimit()
    {
        var twin = Trending(ModelD, days: 6, perDay: 0.05);

        var rul = twin.State.Rul;
        Assert.Equal(RulBasis.Trend, rul.Basis);
        Assert.Equal(4.5, rul.Limit);
        Assert.Equal(0.05, rul.TrendPerDay!.Value, 3);
        // At the last sample (day 5.96) the line stands at 1.5 + 0.05 · 5.96; it reaches 4.5 mm/s (3 - 0.298) / 0.05 days later.
        Assert.Equal((4.5 - (1.5 + 0.05 * (6 * 24 - 1) / 24.0)) / 0.05, rul.Days!.Value, 0);
        Assert.True(rul.Lower <= rul.Days && rul.Days <= rul.Upper);
    }

    [Fact]
    public void Apply_SameTrendOnRevisionC_LeavesMoreLifeToItsHigherLimit()
    {
        var c = Trending(ModelC, days: 6, perDay: 0.05).State.Rul;
        var d = Trending(ModelD, days: 6, perDay: 0.05).State.Rul;

        Assert.Equal(7.1, c.Limit);
        Assert.True(c.Days > d.Days, $"C {c.Days} days, D {d.Days} days");
    }

    [Fact]
    public void Apply_SteepTrend_IsCappedNowhereAndShorterThanAShallowOne()
    {
        var steep = Trending(ModelD, days: 6, perDay: 0.2).State.Rul;
        var shallow = Trending(ModelD, days: 6, perDay: 0.02).State.Rul;

        Assert.True(steep.Days < shallow.Days);
        Assert.True(shallow.Days <= PumpRevisions.Family.Rul!.HorizonDays);
    }

    [Fact]
    public void Apply_HighVibration_MakesBearingWearTheMostLikelyModeAndLowersHealth()
    {
        var twin = RunningPump(ModelD);
        var before = twin.State.Health!.Value;

        twin.Tick(TenMinutes, at => Running(at, vibration: 5.5, temperature: 85));

        var modes = twin.State.FailureModes;
        Assert.Equal("bearing-wear", modes.MaxBy(m => m.Probability).Id);
        Assert.True(twin.State.Health < before - 0.3, $"health {before} → {twin.State.Health}");
        var changed = twin.Of<HealthChanged>().Last();
        Assert.Equal(twin.State.Health, changed.Health);
        Assert.Equal(3, changed.FailureModes.Length);
    }

    [Fact]
    public void Apply_SmallHealthMoves_AreNotReportedEachTime()
    {
        var twin = RunningPump(ModelD);
        var reported = twin.Of<HealthChanged>().Count();

        twin.Learn(hours: 2);

        Assert.Equal(reported, twin.Of<HealthChanged>().Count());
    }
}
