using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text.Json.Serialization;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// Typed, versioned snapshots: state in, bytes out, and back, so a UDF whose state changes shape can still read
/// (or knowingly discard) what an older build stored, instead of failing its task on every start (kapacitor#679).
/// </summary>
/// <remarks>
/// <para><b>Envelope.</b> The bytes are the 4-byte magic <c>C4 55 44 46</c> ("\xC4UDF"), an envelope layout byte
/// (1), the state's format <see cref="Version"/> as a little-endian int32, then the serializer's payload. Empty state
/// (<see langword="null"/>, an empty collection, or <see cref="IsEmpty"/>) is zero bytes: Kapacitor then stores
/// nothing and sends no Restore (docs/protocol.md, "Snapshots").</para>
/// <para><b>Reading.</b> <see cref="Decode(ReadOnlySpan{byte})"/> never throws for bad bytes. The current version is
/// deserialized; any other version, or bytes without the envelope, go to <see cref="Migrate"/>; whatever is still
/// unreadable is handled by <see cref="Policy"/>: start fresh with a warning (default) or fail the restore.</para>
/// <para>Thread-safe: a codec holds no mutable state.</para>
/// </remarks>
/// <typeparam name="TState">The state type.</typeparam>
public sealed class SnapshotCodec<TState>
    where TState : class
{
    private const int HeaderLength = 9;
    private const byte Layout = 1;
    private static readonly byte[] Magic = [0xC4, (byte)'U', (byte)'D', (byte)'F'];

    /// <summary>Creates a codec.</summary>
    /// <param name="version">The format version of <typeparamref name="TState"/> as this build writes it. Change it
    /// whenever the serialized shape changes in a way the serializer cannot read across (with JSON: a renamed or
    /// retyped property; added and removed properties are fine), and add a <see cref="Migrate"/> step if the old
    /// state is worth keeping.</param>
    /// <param name="serializer">The payload format: <see cref="JsonSnapshotSerializer{TState}"/> or your own.</param>
    public SnapshotCodec(int version, ISnapshotSerializer<TState> serializer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        Version = version;
        Serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
    }

    /// <summary>Creates a codec whose payload is JSON with source-generated metadata
    /// (<see cref="JsonSnapshotSerializer{TState}"/>).</summary>
    /// <param name="version">The format version (see <see cref="SnapshotCodec{TState}(int, ISnapshotSerializer{TState})"/>).</param>
    /// <param name="json">Your <c>JsonSerializerContext</c> with <c>[JsonSerializable(typeof(TState))]</c>, e.g.
    /// <c>MyJson.Default</c>; its metadata for <typeparamref name="TState"/> is looked up at first use.</param>
    public SnapshotCodec(int version, JsonSerializerContext json)
        : this(version, new JsonSnapshotSerializer<TState>(json))
    {
    }

    /// <summary>The format version written, and the only one read without <see cref="Migrate"/>.</summary>
    public int Version { get; }

    /// <summary>The payload format.</summary>
    public ISnapshotSerializer<TState> Serializer { get; }

    /// <summary>What to do with a snapshot that cannot be read (default <see cref="UnreadableSnapshotPolicy.StartFresh"/>).</summary>
    public UnreadableSnapshotPolicy Policy { get; init; } = UnreadableSnapshotPolicy.StartFresh;

    /// <summary>Turns other versions (and unversioned bytes) into current state; <see langword="null"/>: none.</summary>
    public SnapshotMigration<TState>? Migrate { get; init; }

    /// <summary>Decides that a state is empty and is stored as zero bytes; by default <see langword="null"/> and
    /// collections without elements are.</summary>
    public Func<TState, bool>? IsEmpty { get; init; }

    /// <summary>The snapshot of <paramref name="state"/>, checked against the default maximum frame size.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The bytes; empty for empty state.</returns>
    /// <exception cref="SnapshotTooLargeException">They would not fit a RestoreRequest frame.</exception>
    public ByteString Encode(TState? state) => Encode(state, VarintFrame.DefaultMaxFrameSize);

    /// <summary>The snapshot of <paramref name="state"/>.</summary>
    /// <param name="state">The state.</param>
    /// <param name="maxFrameSize">The largest frame the agent accepts (<see cref="UdfHandlerContext.MaxFrameSize"/>):
    /// Kapacitor sends the snapshot back in a RestoreRequest, which must fit it.</param>
    /// <returns>The bytes; empty for empty state.</returns>
    /// <exception cref="SnapshotTooLargeException">They would not fit a RestoreRequest frame.</exception>
    public ByteString Encode(TState? state, long maxFrameSize)
    {
        if (state is null || (IsEmpty?.Invoke(state) ?? IsEmptyCollection(state)))
        {
            return ByteString.Empty;
        }

        var output = new ArrayBufferWriter<byte>(256);
        var header = output.GetSpan(HeaderLength);
        Magic.CopyTo(header);
        header[4] = Layout;
        BinaryPrimitives.WriteInt32LittleEndian(header[5..], Version);
        output.Advance(HeaderLength);
        Serializer.Serialize(output, state);

        // The buffer is not reused, so the ByteString may wrap it.
        var bytes = UnsafeByteOperations.UnsafeWrap(output.WrittenMemory);
        var frame = new Request { Restore = new RestoreRequest { Snapshot = bytes } }.CalculateSize();
        return frame > maxFrameSize ? throw new SnapshotTooLargeException(frame, maxFrameSize) : bytes;
    }

    /// <summary>Reads a snapshot. Never throws for bad bytes: they become <see cref="SnapshotDecodeOutcome.Discarded"/>
    /// or <see cref="SnapshotDecodeOutcome.Refused"/> as <see cref="Policy"/> says.</summary>
    /// <param name="snapshot">The bytes from the RestoreRequest.</param>
    /// <returns>What they held.</returns>
    public DecodedSnapshot<TState> Decode(ByteString snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Decode(snapshot.Span);
    }

    /// <inheritdoc cref="Decode(ByteString)"/>
    public DecodedSnapshot<TState> Decode(ReadOnlySpan<byte> snapshot)
    {
        if (snapshot.IsEmpty)
        {
            return new(SnapshotDecodeOutcome.Empty, null, null, null);
        }

        if (snapshot.Length < HeaderLength || !snapshot[..4].SequenceEqual(Magic) || snapshot[4] != Layout)
        {
            return Other(null, snapshot, $"the snapshot ({snapshot.Length} bytes) is not in the versioned format this UDF writes");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(snapshot[5..]);
        var payload = snapshot[HeaderLength..];
        if (version != Version)
        {
            return Other(version, payload, $"the snapshot has format version {version} and this UDF reads version {Version}");
        }

        try
        {
            var state = Serializer.Deserialize(payload);
            return state is null
                ? Unreadable(version, $"the snapshot's version {version} payload holds no state")
                : new(SnapshotDecodeOutcome.Restored, state, version, null);
        }
        catch (Exception ex)
        {
            return Unreadable(version, $"the snapshot's version {version} payload does not deserialize: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private DecodedSnapshot<TState> Other(int? version, ReadOnlySpan<byte> payload, string problem)
    {
        if (Migrate is null)
        {
            return Unreadable(version, problem + ", with no migration");
        }

        try
        {
            var state = Migrate(version, payload);
            return state is null
                ? Unreadable(version, problem + ", and the migration declined it")
                : new(SnapshotDecodeOutcome.Migrated, state, version, null);
        }
        catch (Exception ex)
        {
            return Unreadable(version, $"{problem}, and the migration failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private DecodedSnapshot<TState> Unreadable(int? version, string problem) =>
        new(Policy == UnreadableSnapshotPolicy.Fail ? SnapshotDecodeOutcome.Refused : SnapshotDecodeOutcome.Discarded, null, version, problem);

    private static bool IsEmptyCollection(TState state)
    {
        if (state is ICollection collection)
        {
            return collection.Count == 0;
        }

        if (state is not IEnumerable enumerable)
        {
            return false;
        }

        var enumerator = enumerable.GetEnumerator();
        try
        {
            return !enumerator.MoveNext();
        }
        finally
        {
            (enumerator as IDisposable)?.Dispose();
        }
    }
}
