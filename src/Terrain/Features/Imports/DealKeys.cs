using System.Runtime.InteropServices;
using System.Text;

namespace Terrain.Features.Imports;

/// <summary>
/// The keys (external id, line id) an import has seen, with the line each was first seen on: the duplicate check of a
/// file of a million rows. Exact, and compact: the keys are kept as UTF-8 bytes in one array and found through an
/// open-addressing table of ints, about 40 bytes a key where a dictionary of string pairs takes 150.
/// </summary>
internal sealed class DealKeys
{
    private byte[] _bytes = new byte[1 << 16];
    private int _used;
    private int[] _start = new int[1024];
    private int[] _line = new int[1024];
    private uint[] _hash = new uint[1024];
    private int _count;
    private int[] _slots = new int[2048]; // entry index + 1; 0 is empty

    public int Count => _count;

    /// <summary>Adds the key first seen on <paramref name="line"/>; false, with the line it was first seen on, when it was already there.</summary>
    public bool TryAdd(string externalId, string lineId, int line, out int firstLine)
    {
        var length = Encoding.UTF8.GetByteCount(externalId) + Encoding.UTF8.GetByteCount(lineId) + 4;
        Reserve(length);
        var key = _bytes.AsSpan(_used, length);
        // The external id's length first, so that ("ab", "c") and ("a", "bc") differ.
        MemoryMarshal.Write(key, Encoding.UTF8.GetByteCount(externalId));
        var written = Encoding.UTF8.GetBytes(externalId, key[4..]);
        Encoding.UTF8.GetBytes(lineId, key[(4 + written)..]);
        var hash = (uint)Hash(key);
        var mask = _slots.Length - 1;
        for (var slot = (int)(hash & mask); ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0)
            {
                break;
            }

            if (_hash[entry] == hash && KeyOf(entry).SequenceEqual(key))
            {
                firstLine = _line[entry];
                return false;
            }
        }

        if (_count == _start.Length)
        {
            Array.Resize(ref _start, _count * 2);
            Array.Resize(ref _line, _count * 2);
            Array.Resize(ref _hash, _count * 2);
        }

        _start[_count] = _used;
        _line[_count] = line;
        _hash[_count] = hash;
        _used += length;
        _count++;
        if (_count * 2 > _slots.Length)
        {
            Rehash();
        }
        else
        {
            Place(_count - 1);
        }

        firstLine = line;
        return true;
    }

    private ReadOnlySpan<byte> KeyOf(int entry)
    {
        var end = entry + 1 < _count ? _start[entry + 1] : _used;
        return _bytes.AsSpan(_start[entry], end - _start[entry]);
    }

    private void Reserve(int length)
    {
        if (_used + length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + length));
        }
    }

    private void Place(int entry)
    {
        var mask = _slots.Length - 1;
        var slot = (int)(_hash[entry] & mask);
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        _slots[slot] = entry + 1;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            Place(i);
        }
    }

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode();
    }
}
