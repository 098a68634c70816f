namespace Threadline.Prediction.Anomaly;

/// <summary>Settings of <see cref="StreamingAnomalyDetector"/>. Defaults are the ones measured in docs/benchmarks.md.</summary>
public sealed record AnomalyDetectorOptions
{
    /// <summary>Rate of the slow baseline, per point (default 0.005: a memory of about 200 points).</summary>
    public double SlowRate { get; init; } = 0.005;

    /// <summary>Rate of the fast baseline, per point (default 0.2).</summary>
    public double FastRate { get; init; } = 0.2;

    /// <summary>Points of raw-score history the likelihood compares against (default 8000).</summary>
    public int LikelihoodHistory { get; init; } = 8000;

    /// <summary>Points averaged into the recent raw score (default 5).</summary>
    public int ShortWindow { get; init; } = 5;

    /// <summary>Points before any score above 0 is given (default 100); the likelihood needs a history to compare with.</summary>
    public int Warmup { get; init; } = 100;

    /// <summary>How far outside the range seen so far a value must be, as a share of that range, to count as new ground (default 0.02).</summary>
    public double SpatialTolerance { get; init; } = 0.02;

    /// <summary>Whether to keep an hour-of-day baseline too (default true): a value usual at 3 a.m. is judged against 3 a.m.</summary>
    public bool UseTimeOfDayContext { get; init; } = true;

    /// <summary>
    /// Points after a score of at least <see cref="RefractoryTrigger"/> during which lower scores are damped (default 200).
    /// One event should raise one alarm: the echoes of an anomaly that has already been reported are noise to an operator.
    /// </summary>
    public int Refractory { get; init; } = 200;

    /// <summary>Score that starts a refractory period (default 0.2).</summary>
    public double RefractoryTrigger { get; init; } = 0.2;

    /// <summary>
    /// How much each recent alarm beyond the first (counted with a decay of about <see cref="FatigueMemory"/> points) divides later
    /// scores (default 0.2). A signal that alarms often is bursty by nature, and the bar for the next alarm should rise with it.
    /// </summary>
    public double AlarmFatigue { get; init; } = 0.2;

    /// <summary>Memory of the alarm count behind <see cref="AlarmFatigue"/>, in points (default 3000).</summary>
    public int FatigueMemory { get; init; } = 3000;

    /// <summary>Factor applied to damped scores (default 0.5).</summary>
    public double RefractoryDamping { get; init; } = 0.5;
}

/// <summary>
/// Scores each new value of one signal for how anomalous it is, in 0..1, learning as values arrive: a value is always judged
/// against what came before it, never after, and the score of a point never changes once given. O(1) work and memory per point.
/// The raw surprise is the largest of: distance from a slow exponentially weighted baseline, from a fast one, of the step from
/// the previous value, and from the hour-of-day baseline, each in its own standard deviations. That raw surprise is then turned
/// into an anomaly likelihood (after Ahmad et al. 2017, Numenta): how improbable the average of the last few raw scores is under
/// the distribution of raw scores over the longer history, on a log scale so 0.5 means one in 100,000. A value outside everything
/// seen so far scores 1. Last, alarms are thinned the way an operator would want: echoes of a recent alarm are damped, and a
/// signal that has alarmed often lately needs more surprise to alarm again.
/// </summary>
public sealed class StreamingAnomalyDetector
{
    // log(1e-10): the log-scaled likelihood reaches 1 at a one-in-ten-billion tail.
    private const double LogScale = -23.02585084720009;

    private readonly AnomalyDetectorOptions _options;
    private EwmaStats _slow;
    private EwmaStats _fast;
    private EwmaStats _step;
    private readonly EwmaStats[] _hourly = new EwmaStats[24];
    private readonly SlidingStats _history;
    private readonly Queue<double> _recent = new();
    private double _recentSum;
    private double _previous;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private long _count;
    private long _lastAlarm = long.MinValue / 2;
    private double _lastAlarmScore;
    private double _recentAlarms;

    /// <summary>Creates a detector with no history.</summary>
    public StreamingAnomalyDetector(AnomalyDetectorOptions? options = null)
    {
        _options = options ?? new AnomalyDetectorOptions();
        _slow = new EwmaStats(_options.SlowRate);
        _fast = new EwmaStats(_options.FastRate);
        _step = new EwmaStats(_options.SlowRate);
        for (var h = 0; h < _hourly.Length; h++)
        {
            _hourly[h] = new EwmaStats(_options.SlowRate * 4);
        }

        _history = new SlidingStats(_options.LikelihoodHistory);
    }

    /// <summary>Points seen so far.</summary>
    public long Count => _count;

    /// <summary>Scores <paramref name="value"/> observed at <paramref name="timestamp"/> (UTC, from the source's clock), then learns it.</summary>
    public double Update(DateTime timestamp, double value)
    {
        _count++;
        var range = _max - _min;
        var spatial = _count > _options.Warmup && range > 0 &&
            (value > _max + _options.SpatialTolerance * range || value < _min - _options.SpatialTolerance * range);

        var floor = Math.Max(1e-9, 1e-3 * Math.Abs(_slow.Mean));
        var surprise = 0.0;
        if (_count > 1)
        {
            surprise = Math.Max(surprise, Math.Abs(value - _slow.Mean) / _slow.StdDev(floor));
            surprise = Math.Max(surprise, Math.Abs(value - _fast.Mean) / _fast.StdDev(floor));
            surprise = Math.Max(surprise, Math.Abs(value - _previous - _step.Mean) / _step.StdDev(floor));
            var hour = _hourly[timestamp.Hour];
            if (_options.UseTimeOfDayContext && hour.Count > 10)
            {
                surprise = Math.Max(surprise, Math.Abs(value - hour.Mean) / hour.StdDev(floor));
            }
        }

        // Squashing keeps one enormous outlier from inflating the history's variance and hiding the next anomaly.
        var raw = Math.Tanh(surprise / 4);

        _recent.Enqueue(raw);
        _recentSum += raw;
        if (_recent.Count > _options.ShortWindow)
        {
            _recentSum -= _recent.Dequeue();
        }

        var score = 0.0;
        if (_count > _options.Warmup && _history.Count > 10)
        {
            var std = Math.Max(Math.Sqrt(_history.Variance), 1e-4);
            var z = (_recentSum / _recent.Count - _history.Mean) / std;
            var tail = NormalTail(z);
            score = Math.Clamp(Math.Log(1.0000000001 - (1 - tail)) / LogScale, 0, 1);
            if (spatial)
            {
                score = 1;
            }
        }

        if (_options.AlarmFatigue > 0)
        {
            score /= 1 + _options.AlarmFatigue * Math.Max(0, _recentAlarms - 1);
            _recentAlarms *= 1 - 1.0 / _options.FatigueMemory;
        }

        if (_options.Refractory > 0)
        {
            if (_count - _lastAlarm <= _options.Refractory && score <= _lastAlarmScore)
            {
                score *= _options.RefractoryDamping;
            }
            else if (score >= _options.RefractoryTrigger)
            {
                _lastAlarm = _count;
                _lastAlarmScore = score;
                _recentAlarms++;
            }
        }

        _history.Add(raw);
        _slow.Add(value);
        _fast.Add(value);
        if (_count > 1)
        {
            _step.Add(value - _previous);
        }

        _hourly[timestamp.Hour].Add(value);
        _previous = value;
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        return score;
    }

    /// <summary>Upper tail probability of the standard normal, P(Z &gt; z).</summary>
    internal static double NormalTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    // Numerical Recipes' erfc, fractional error below 1.2e-7 everywhere: plenty for a score on a log scale.
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
