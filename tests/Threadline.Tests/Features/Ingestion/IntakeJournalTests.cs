using Microsoft.Extensions.Logging.Abstractions;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

public sealed class IntakeJournalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("threadline-journal-").FullName;

    private static TelemetryPoint Point(int i, string? unit = "mm/s", long? seq = 7) => new(
        "PUMP-4720-SN00341-R04", "bearing_vibration_x", new DateTimeOffset(2026, 3, 14, 8, 30, 0, TimeSpan.FromHours(1)).AddTicks(i * 10_000_001L),
        2.5 + i, unit, TelemetryQuality.Uncertain, "dev-341", seq, StampedOnArrival: i % 2 == 1);

    private IntakeJournal NewJournal(long segmentBytes = 1 << 20) => new(_folder, segmentBytes, fsync: false, NullLogger.Instance);

    [Fact]
    public void FlushedPoints_AreReadBackWholeByTheNextRun()
    {
        var journal = NewJournal();
        journal.ReadLeftovers(100);
        journal.Open();
        var written = new[] { Point(0), Point(1, unit: null, seq: null), Point(2) };
        foreach (var p in written)
        {
            journal.Append(p);
        }
        journal.Flush();
        // No Dispose: the run ends as a killed process would, leaving its segment behind.

        var (batches, files, torn) = NewJournal().ReadLeftovers(2);

        Assert.Equal(written, batches.SelectMany(b => b));
        Assert.Equal([2, 1], batches.Select(b => b.Length));
        Assert.Single(files);
        Assert.Equal(0, torn);
        Assert.Equal(TimeSpan.FromHours(1), batches[0][0].Timestamp.Offset);
    }

    [Fact]
    public void PointsNotFlushed_AreNotOnFile()
    {
        var journal = NewJournal();
        journal.Open();
        journal.Append(Point(0));

        Assert.Empty(NewJournal().ReadLeftovers(100).Batches);
    }

    [Fact]
    public void RecordCutShortOrCorrupted_EndsTheReplayOfItsSegment()
    {
        var journal = NewJournal();
        journal.Open();
        journal.Append(Point(0));
        journal.Append(Point(1));
        journal.Flush();
        var file = Assert.Single(Directory.GetFiles(_folder));
        var bytes = File.ReadAllBytes(file);

        File.WriteAllBytes(file, bytes[..^3]);
        var (cut, _, tornCut) = NewJournal().ReadLeftovers(100);
        Assert.Equal([Point(0)], cut.SelectMany(b => b));
        Assert.Equal(bytes.Length / 2 - 3, tornCut);

        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        var (flipped, _, tornFlipped) = NewJournal().ReadLeftovers(100);
        Assert.Equal([Point(0)], flipped.SelectMany(b => b));
        Assert.Equal(bytes.Length / 2, tornFlipped);
    }

    [Fact]
    public void FullSegment_IsClosedAndDeletedOnceItsPointsAreStored()
    {
        var journal = NewJournal(segmentBytes: 1);
        journal.Open();
        var first = journal.Append(Point(0));
        journal.Flush();
        var second = journal.Append(Point(1));
        journal.Flush();

        Assert.NotSame(first, second);
        Assert.Equal(3, journal.SegmentCount);
        first.Stored(1);
        Assert.Equal(2, journal.SegmentCount);
        second.Stored(1);
        Assert.Equal(1, journal.SegmentCount);
        journal.Dispose();
        Assert.Equal(0, journal.SegmentCount);
    }

    [Fact]
    public void SegmentWithAnUnstoredPoint_SurvivesDispose_AndIsReplayed()
    {
        var journal = NewJournal();
        journal.Open();
        journal.Append(Point(0)).Stored(1);
        journal.Append(Point(1));
        journal.Flush();
        journal.Dispose();

        var next = NewJournal();
        var (batches, files, _) = next.ReadLeftovers(100);
        Assert.Equal([Point(0), Point(1)], batches.SelectMany(b => b));
        IntakeJournal.Discard(files);
        next.Open();
        Assert.Equal(1, next.SegmentCount);
        Assert.EndsWith("000000000002.log", Directory.GetFiles(_folder).Single());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
