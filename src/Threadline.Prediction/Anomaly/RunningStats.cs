namespace Threadline.Prediction.Anomaly;

/// <summary>Exponentially weighted mean and variance. Early on the rate is 1/n so the first points are weighted as a plain average.</summary>
internal struct EwmaStats(double rate)
{
    private long _count;

    public double Mean { get; private set; }

    public double Variance { get; private set; }

    public readonly long Count => _count;

    public readonly double StdDev(double floor) => Math.Max(Math.Sqrt(Variance), floor);

    public void Add(double x)
    {
        _count++;
        var a = Math.Max(rate, 1.0 / _count);
        var d = x - Mean;
        Mean += a * d;
        Variance = (1 - a) * (Variance + a * d * d);
    }
}

/// <summary>Mean and variance over the last <c>capacity</c> values, O(1) per value through running sums over a ring buffer.</summary>
internal sealed class SlidingStats(int capacity)
{
    private readonly double[] _ring = new double[capacity];
    private int _next;
    private double _sum;
    private double _sumSquares;

    public int Count { get; private set; }

    public double Mean => Count == 0 ? 0 : _sum / Count;

    public double Variance => Count < 2 ? 0 : Math.Max(0, (_sumSquares - _sum * _sum / Count) / (Count - 1));

    public void Add(double x)
    {
        if (Count == capacity)
        {
            var old = _ring[_next];
            _sum -= old;
            _sumSquares -= old * old;
        }
        else
        {
            Count++;
        }

        _ring[_next] = x;
        _next = (_next + 1) % capacity;
        _sum += x;
        _sumSquares += x * x;
    }
}
