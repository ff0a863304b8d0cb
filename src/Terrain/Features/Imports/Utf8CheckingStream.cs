using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Terrain.Features.Imports;

/// <summary>
/// A file that is not UTF-8 text, with the line of its first invalid byte (line 1 is the header); <see cref="Binary"/>
/// when it is no text at all (a NUL byte, or the signature of an image, an archive, a workbook or a PDF).
/// </summary>
public sealed class NotUtf8Exception(int line, bool binary = false)
    : Exception(binary ? $"The file is binary: line {line} holds a byte no text file has." : $"The file is not UTF-8: line {line} has a byte that is not valid UTF-8.")
{
    public int Line { get; } = line;

    public bool Binary { get; } = binary;
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

    /// <summary>PNG, JPEG, GIF, PDF, ZIP (and so .xlsx and .docx) and the old binary Office files, by their first bytes.</summary>
    private static readonly byte[][] Signatures =
    [
        [0x89, (byte)'P', (byte)'N', (byte)'G'],
        [0xFF, 0xD8, 0xFF],
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8'],
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F'],
        [(byte)'P', (byte)'K', 0x03, 0x04],
        [0xD0, 0xCF, 0x11, 0xE0],
    ];

    private bool _started;

    private void Check(ReadOnlySpan<byte> bytes, bool isFinal)
    {
        if (!_started && !bytes.IsEmpty)
        {
            _started = true;
            foreach (var signature in Signatures)
            {
                if (bytes.StartsWith(signature))
                {
                    throw new NotUtf8Exception(1, binary: true);
                }
            }
        }

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
            // NUL is valid UTF-8 but no CSV holds one: the file is binary (or UTF-16 without its byte-order mark).
            var nul = bytes[..consumed].IndexOf((byte)0);
            if (nul >= 0)
            {
                CountLines(bytes[..nul]);
                throw new NotUtf8Exception(_line, binary: true);
            }

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
