using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

/// <summary>
/// The durable intake in front of the time-series store: every accepted point is appended to a journal file before
/// its publisher is acknowledged, and the store gets the points afterwards in large batches. A journal segment is
/// deleted once every point in it is in the store; segments a killed server left behind are replayed into the store
/// when it starts again (the store's (asset, signal, timestamp) key makes a replayed point that was already stored a
/// duplicate, not a second row).
/// </summary>
/// <remarks>
/// Appends are buffered in memory and reach the file on <see cref="Flush"/>, which the ingestion router calls once
/// per acknowledged message, so a Sparkplug message of 20 metrics costs one write. A write to the file survives the
/// process being killed; it survives a power cut only with <c>Ingestion:JournalFsync</c>, which adds an fsync to every
/// flush. A record is [body length: int32][CRC-32 of body: uint32][body]; a record cut short by a crash mid-write (it
/// was never acknowledged) fails its length or checksum and ends the replay of that segment.
/// </remarks>
public sealed class IntakeJournal : IDisposable
{
    private const string FilePrefix = "intake-";
    private const string FileSuffix = ".log";
    private const int HeaderBytes = 8;

    private readonly string _folder;
    private readonly long _segmentBytes;
    private readonly bool _fsync;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly MemoryStream _buffer = new();
    private readonly BinaryWriter _body;
    private readonly MemoryStream _bodyBytes = new();
    private Segment? _current;
    private long _nextSegmentNumber;
    private bool _disposed;

    public IntakeJournal(string folder, long segmentBytes, bool fsync, ILogger logger)
    {
        _folder = Path.GetFullPath(folder);
        _segmentBytes = segmentBytes;
        _fsync = fsync;
        _logger = logger;
        _body = new BinaryWriter(_bodyBytes, Encoding.UTF8, leaveOpen: true);
    }

    public string Folder => _folder;

    /// <summary>Segment files on disk now, the open one included.</summary>
    public int SegmentCount => Directory.Exists(_folder) ? Directory.GetFiles(_folder, FilePrefix + "*" + FileSuffix).Length : 0;

    /// <summary>
    /// Reads the points of the segments left from an earlier run, oldest first, in batches of at most
    /// <paramref name="batchSize"/>; returns them with the files they came from, which the caller deletes
    /// (<see cref="Discard"/>) once the store holds them. Must run before <see cref="Open"/>.
    /// </summary>
    public (IReadOnlyList<TelemetryPoint[]> Batches, IReadOnlyList<string> Files, long TornBytes) ReadLeftovers(int batchSize)
    {
        Directory.CreateDirectory(_folder);
        var files = SegmentFiles();
        var batches = new List<TelemetryPoint[]>();
        var batch = new List<TelemetryPoint>(batchSize);
        long torn = 0;
        foreach (var (_, path) in files)
        {
            var bytes = File.ReadAllBytes(path);
            var offset = 0;
            while (offset < bytes.Length)
            {
                if (!TryReadRecord(bytes, offset, out var point, out var length))
                {
                    torn += bytes.Length - offset;
                    _logger.LogWarning("Intake journal {File}: {Bytes} bytes at offset {Offset} are not a whole record (a write cut short by a crash, never acknowledged); ignored.",
                        path, bytes.Length - offset, offset);
                    break;
                }
                batch.Add(point);
                offset += length;
                if (batch.Count == batchSize)
                {
                    batches.Add([.. batch]);
                    batch.Clear();
                }
            }
        }
        if (batch.Count > 0)
        {
            batches.Add([.. batch]);
        }
        _nextSegmentNumber = files.Count == 0 ? 1 : files[^1].Number + 1;
        return (batches, [.. files.Select(f => f.Path)], torn);
    }

    /// <summary>Deletes replayed segment files.</summary>
    public static void Discard(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            File.Delete(file);
        }
    }

    /// <summary>Opens a fresh segment to append to.</summary>
    public void Open()
    {
        lock (_gate)
        {
            Directory.CreateDirectory(_folder);
            if (_nextSegmentNumber == 0)
            {
                var files = SegmentFiles();
                _nextSegmentNumber = files.Count == 0 ? 1 : files[^1].Number + 1;
            }
            _current = NewSegment();
        }
    }

    /// <summary>
    /// Buffers a point for the journal; it is on file after the next <see cref="Flush"/>. The returned segment must be
    /// told (<see cref="Segment.Stored"/>) once the store holds the point.
    /// </summary>
    public Segment Append(TelemetryPoint point)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var segment = _current ?? throw new InvalidOperationException("IntakeJournal.Open must run before points are appended.");
            Serialise(point);
            segment.Held();
            return segment;
        }
    }

    /// <summary>Writes what is buffered to the segment file (and fsyncs it with Ingestion:JournalFsync); returns when it is there.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_buffer.Length == 0 || _current is null)
            {
                return;
            }
            var segment = _current;
            RandomAccess.Write(segment.Handle, _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length), segment.Length);
            if (_fsync)
            {
                RandomAccess.FlushToDisk(segment.Handle);
            }
            segment.Length += _buffer.Length;
            _buffer.SetLength(0);
            if (segment.Length >= _segmentBytes)
            {
                // Points already handed out keep their segment; it goes once they are all stored.
                segment.Close();
                _current = NewSegment();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _current?.Close();
            _current = null;
            _body.Dispose();
            _bodyBytes.Dispose();
            _buffer.Dispose();
        }
    }

    private Segment NewSegment()
    {
        var path = Path.Combine(_folder, $"{FilePrefix}{_nextSegmentNumber++:D12}{FileSuffix}");
        return new Segment(path, File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), _logger);
    }

    private List<(long Number, string Path)> SegmentFiles() =>
        [.. Directory.GetFiles(_folder, FilePrefix + "*" + FileSuffix)
            .Select(path => (Number: long.TryParse(Path.GetFileName(path)[FilePrefix.Length..^FileSuffix.Length], out var n) ? n : -1, Path: path))
            .Where(f => f.Number >= 0)
            .OrderBy(f => f.Number)];

    private void Serialise(TelemetryPoint point)
    {
        _bodyBytes.SetLength(0);
        _body.Write(point.AssetId);
        _body.Write(point.Signal);
        _body.Write(point.Timestamp.UtcTicks);
        _body.Write((short)point.Timestamp.Offset.TotalMinutes);
        _body.Write(point.Value);
        _body.Write(point.Unit is not null);
        if (point.Unit is not null)
        {
            _body.Write(point.Unit);
        }
        _body.Write((byte)point.Quality);
        _body.Write(point.Source);
        _body.Write(point.Seq.HasValue);
        if (point.Seq is { } seq)
        {
            _body.Write(seq);
        }
        _body.Write(point.StampedOnArrival);
        _body.Flush();
        var body = _bodyBytes.GetBuffer().AsSpan(0, (int)_bodyBytes.Length);
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteInt32LittleEndian(header, body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(body));
        _buffer.Write(header);
        _buffer.Write(body);
    }

    private static bool TryReadRecord(byte[] bytes, int offset, out TelemetryPoint point, out int length)
    {
        point = null!;
        length = 0;
        if (bytes.Length - offset < HeaderBytes)
        {
            return false;
        }
        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
        if (bodyLength <= 0 || bodyLength > bytes.Length - offset - HeaderBytes)
        {
            return false;
        }
        var body = bytes.AsSpan(offset + HeaderBytes, bodyLength);
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)))
        {
            return false;
        }
        using var reader = new BinaryReader(new MemoryStream(bytes, offset + HeaderBytes, bodyLength, writable: false), Encoding.UTF8);
        var assetId = reader.ReadString();
        var signal = reader.ReadString();
        var utcTicks = reader.ReadInt64();
        var offsetMinutes = reader.ReadInt16();
        var value = reader.ReadDouble();
        var unit = reader.ReadBoolean() ? reader.ReadString() : null;
        var quality = (TelemetryQuality)reader.ReadByte();
        var source = reader.ReadString();
        long? seq = reader.ReadBoolean() ? reader.ReadInt64() : null;
        var stamped = reader.ReadBoolean();
        var at = new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));
        point = new TelemetryPoint(assetId, signal, at, value, unit, quality, source, seq, stamped);
        length = HeaderBytes + bodyLength;
        return true;
    }

    /// <summary>
    /// One journal file and the count of its points the store does not hold yet. Deleted when it is closed (no longer
    /// appended to) and that count is zero.
    /// </summary>
    public sealed class Segment
    {
        private readonly string _path;
        private readonly ILogger _logger;
        private long _unstored;
        private int _closed;

        internal Segment(string path, SafeFileHandle handle, ILogger logger)
        {
            _path = path;
            Handle = handle;
            _logger = logger;
        }

        internal SafeFileHandle Handle { get; }

        internal long Length { get; set; }

        internal void Held() => Interlocked.Increment(ref _unstored);

        /// <summary>The store now holds <paramref name="count"/> more of this segment's points.</summary>
        public void Stored(int count)
        {
            if (Interlocked.Add(ref _unstored, -count) == 0 && Volatile.Read(ref _closed) == 1)
            {
                Delete();
            }
        }

        internal void Close()
        {
            Handle.Dispose();
            Volatile.Write(ref _closed, 1);
            if (Interlocked.Read(ref _unstored) == 0)
            {
                Delete();
            }
        }

        private void Delete()
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException ex)
            {
                // Left on disk its points are replayed at the next start, as duplicates the store recognises.
                _logger.LogWarning(ex, "Could not delete stored intake journal segment {File}", _path);
            }
        }
    }
}
