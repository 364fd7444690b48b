using System.Buffers;

namespace Kapacitor.Udf.Tests.Support;

/// <summary>Multi-segment <see cref="ReadOnlySequence{T}"/>s, as a pipe hands out input that arrived in pieces.</summary>
internal static class Sequences
{
    /// <summary>One segment per part, in order (empty parts allowed).</summary>
    public static ReadOnlySequence<byte> FromSegments(params ReadOnlyMemory<byte>[] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        for (var i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>One segment per byte: every possible split at once.</summary>
    public static ReadOnlySequence<byte> SegmentPerByte(byte[] bytes) =>
        FromSegments([.. Enumerable.Range(0, bytes.Length).Select(i => new ReadOnlyMemory<byte>(bytes, i, 1))]);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
