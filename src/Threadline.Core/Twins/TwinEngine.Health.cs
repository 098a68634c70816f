using System.Collections.Immutable;
using Threadline.Prediction.Health;

namespace Threadline.Twins;

public static partial class TwinEngine
{
    private static TwinState Assess(TwinState state, TwinModel model, int index, DateTimeOffset at, List<TwinEvent> events)
    {
        // Judge a complete, fresh operating point: until every signal the unit reports has been read since it started,
        // the reading from before the stop (a stopped pump's wide inlet margin) would pass for the running pump's.
        var readings = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < state.Signals.Length; i++)
        {
            var s = state.Signals[i];
            if (s.Value is not { } v || !model.AssessedSignals[i])
            {
                continue;
            }
            if (state.RunningSince is { } since && s.At < since)
            {
                return state;
            }
            readings[s.Signal] = v;
        }

        // Assessed one by one to stay aligned with the family's declaration order (FailureModes.Assess sorts by probability).
        var assessments = model.Family.FailureModes.Select(m => FailureModes.Assess(m, readings)).ToArray();
        var rul = index == model.RulSignalIndex ? EstimateRul(model, state.Signals[index], at) : state.Rul;
        var horizon = model.Rul.HorizonDays;
        var health = HealthScore.Combine(assessments, rul.Days, horizon).Score;
        var next = state with
        {
            Health = health,
            Rul = rul,
            FailureModes = [.. assessments.Select(a => new FailureModeEstimate(a.Id, a.Probability))],
        };

        var tuning = model.Family.Tuning;
        var healthMoved = state.ReportedHealth is not { } reported || Math.Abs(health - reported) >= tuning.HealthStep;
        var rulMoved = (rul.Days, state.ReportedRulDays) switch
        {
            (null, null) => false,
            ({ } now, { } before) => Math.Abs(now - before) >= tuning.RulStepDays,
            _ => true,
        };
        if (!healthMoved && !rulMoved)
        {
            return next;
        }

        events.Add(new HealthChanged(state.AssetId, at, state.ReportedHealth, health, rul, next.FailureModes));
        return next with { ReportedHealth = health, ReportedRulDays = rul.Days };
    }

    /// <summary>
    /// The RUL rule (docs/twins.md): least-squares line through the daily means of the completed days of the 7-day window
    /// (days with enough running samples, at least 3 of them, after the day of the last replacement of the watched part),
    /// read at the sample's time and extrapolated to the upper limit of the unit's revision
    /// (critical, else warning). The interval uses the slope's 95 % confidence bounds. Capped at the horizon; no rising
    /// trend gives no figure.
    /// </summary>
    internal static RulEstimate EstimateRul(TwinModel model, SignalState signal, DateTimeOffset at)
    {
        var rule = model.Rul;
        if (model.UpperLimit(rule.Signal)?.Max is not { } limit)
        {
            return RulEstimate.Unknown(rule.Signal);
        }
        if (DailyTrend(signal, rule.MinSamplesPerDay, DayOf(at)) is not { } fit)
        {
            return RulEstimate.Unknown(rule.Signal) with { Limit = limit };
        }

        var horizon = rule.HorizonDays;
        var now = DayOf(at) + at.UtcDateTime.TimeOfDay.TotalDays;
        var level = fit.At(now);
        if (level >= limit)
        {
            return new RulEstimate(RulBasis.LimitReached, 0, 0, 0, rule.Signal, fit.Slope, limit);
        }
        if (fit.Slope <= 0)
        {
            return new RulEstimate(RulBasis.NoTrend, null, null, null, rule.Signal, fit.Slope, limit);
        }

        var t = StudentT95[Math.Min(fit.Points - 2, StudentT95.Length) - 1];
        var gap = limit - level;
        var steepest = fit.Slope + t * fit.SlopeError;
        var shallowest = fit.Slope - t * fit.SlopeError;
        double Cap(double days) => Math.Clamp(days, 0, horizon);
        return new RulEstimate(
            RulBasis.Trend,
            Cap(gap / fit.Slope),
            Cap(gap / steepest),
            shallowest > 0 ? Cap(gap / shallowest) : horizon,
            rule.Signal,
            fit.Slope,
            limit);
    }

    /// <summary>A straight line through daily means: slope per day, its standard error, and the number of days used.</summary>
    internal readonly record struct TrendFit(double Slope, double SlopeError, double MeanDay, double MeanValue, int Points)
    {
        public double At(double day) => MeanValue + Slope * (day - MeanDay);
    }

    /// <summary>The daily trend of a signal's wear evidence: completed days after the day of its last replacement.</summary>
    internal static TrendFit? DailyTrend(SignalState signal, int minSamples, int today) =>
        DailyTrend(signal.Days, minSamples, today, signal.EvidenceSince is { } since ? DayOf(since) : int.MinValue);

    internal static TrendFit? DailyTrend(ImmutableArray<DailyBucket> days, int minSamples, int today, int afterDay = int.MinValue)
    {
        Span<double> xs = stackalloc double[7];
        Span<double> ys = stackalloc double[7];
        var n = 0;
        foreach (var day in days)
        {
            if (day.Day < today && day.Day > afterDay && day.Count >= minSamples && n < 7)
            {
                xs[n] = day.Day + 0.5;
                ys[n] = day.Mean;
                n++;
            }
        }
        if (n < 3)
        {
            return null;
        }

        double mx = 0, my = 0;
        for (var i = 0; i < n; i++)
        {
            mx += xs[i];
            my += ys[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (xs[i] - mx) * (xs[i] - mx);
            sxy += (xs[i] - mx) * (ys[i] - my);
        }
        if (sxx == 0)
        {
            return null;
        }

        var slope = sxy / sxx;
        double residuals = 0;
        for (var i = 0; i < n; i++)
        {
            var r = ys[i] - (my + slope * (xs[i] - mx));
            residuals += r * r;
        }
        var error = Math.Sqrt(residuals / (n - 2) / sxx);
        return new TrendFit(slope, error, mx, my, n);
    }
}
