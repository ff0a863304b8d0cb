using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Terrain.Features.Imports;

/// <summary>A file that is not UTF-8, with the line of its first invalid byte (line 1 is the header).</summary>
public sealed class NotUtf8Exception(int line) : Exception($"The file is not UTF-8: line {line} has a byte that is not valid UTF-8.")
{
    public int Line { get; } = line;
}

/// <summary>
/// Passes a file through unchanged while checking that it is strictly UTF-8, so a file saved in another encoding
/// (Latin-1, Windows-1252, UTF-16) is rejected instead of being imported with U+FFFD in place of its accents.
/// Checks each read as it happens, so files of any size stream through; sequences split across reads are carried over.
/// </summary>
internal sealed class Utf8CheckingStream(Stream inner) : Stream
{
    private readonly Stream _inner = inner;
    private readonly byte[] _pending = new byte[4];
    private readonly char[] _scratch = new char[4096];
    private int _pendingCount;
    private int _line = 1;
    private bool _afterCarriageReturn;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Check(buffer[..read], isFinal: read == 0);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken);
        Check(buffer.Span[..read], isFinal: read == 0);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Check(ReadOnlySpan<byte> bytes, bool isFinal)
    {
        // First finish a sequence left incomplete at the end of the previous read.
        while (_pendingCount > 0)
        {
            if (bytes.IsEmpty)
            {
                if (isFinal)
                {
                    throw new NotUtf8Exception(_line);
                }

                return;
            }

            _pending[_pendingCount++] = bytes[0];
            bytes = bytes[1..];
            var status = Rune.DecodeFromUtf8(_pending.AsSpan(0, _pendingCount), out _, out _);
            if (status == OperationStatus.InvalidData)
            {
                throw new NotUtf8Exception(_line);
            }

            if (status == OperationStatus.Done)
            {
                _pendingCount = 0;
                _afterCarriageReturn = false;
            }
        }

        while (true)
        {
            var status = Utf8.ToUtf16(bytes, _scratch, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: isFinal);
            CountLines(bytes[..consumed]);
            bytes = bytes[consumed..];
            switch (status)
            {
                case OperationStatus.Done:
                    return;
                case OperationStatus.DestinationTooSmall:
                    continue;
                case OperationStatus.NeedMoreData:
                    bytes.CopyTo(_pending);
                    _pendingCount = bytes.Length;
                    return;
                default:
                    throw new NotUtf8Exception(_line);
            }
        }
    }

    /// <summary>Counts line breaks the way CSV readers do: \n, \r\n and a lone \r each end a line.</summary>
    private void CountLines(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var i = bytes.IndexOfAny((byte)'\r', (byte)'\n');
            if (i < 0)
            {
                _afterCarriageReturn = false;
                return;
            }

            if (bytes[i] == '\r' || i > 0 || !_afterCarriageReturn)
            {
                _line++;
            }

            _afterCarriageReturn = bytes[i] == '\r';
            bytes = bytes[(i + 1)..];
        }
    }
}
