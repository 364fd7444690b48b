using System.Buffers;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;
using Kapacitor.Udf.Tests.Support;

namespace Kapacitor.Udf.Tests.Reliability;

/// <summary>One row of issue 6's bad-input table, as RELIABILITY.md lists it (by <see cref="Id"/>).</summary>
/// <param name="Id">The row's name in RELIABILITY.md.</param>
/// <param name="Udf">Which FaultyUdf serves it: <c>faulty</c> (wants STREAM) or <c>faultyBatch</c> (wants BATCH).</param>
/// <param name="Bytes">Exactly what Kapacitor's side sends.</param>
/// <param name="EndInput">Whether the input then ends (the row is about EOF) or stays open (decided from the bytes).</param>
/// <param name="Error">The ErrorResponse must contain this; <see langword="null"/> = ignored and logged, the run goes on.</param>
public sealed record BadInput(string Id, string Udf, byte[] Bytes, bool EndInput, string? Error)
{
    public override string ToString() => Id;
}

/// <summary>The table, shared by the process-mode and socket-mode tests and checked against RELIABILITY.md.</summary>
public static class BadInputs
{
    public static IReadOnlyList<BadInput> All { get; } =
    [
        new("eof-inside-varint", "faulty", [0x80], true, "read error at byte offset 0: input ended inside a frame length prefix"),
        new("length-beyond-input", "faulty", [0x0a, 0x12, 0x02], true, "read error at byte offset 0: input ended inside a frame: expected 10 payload bytes, got 2"),
        // "hello, kapacitor": 'h' (0x68) announces 104 bytes, and 15 follow.
        new("random-bytes", "faulty", "hello, kapacitor"u8.ToArray(), true, "read error at byte offset 0: input ended inside a frame: expected 104 payload bytes, got 15"),
        new("overlong-varint", "faulty", [.. Enumerable.Repeat((byte)0xff, 11)], false, "read error at byte offset 0: frame length prefix is longer than 10 bytes"),
        // 2^31 announced, nothing sent, input left open: refused from the prefix alone, before any allocation.
        new("length-above-maximum", "faulty", [0x80, 0x80, 0x80, 0x80, 0x08], false, "read error at byte offset 0: frame length 2147483648 bytes exceeds the maximum frame size of 67108864 bytes"),
        new("malformed-payload", "faulty", [0x03, 0x0a, 0x05, 0x00], false, "read error at byte offset 0: malformed Request of 3 bytes"),
        new("zero-length-frame", "faulty", [0x00], false, null),
        // field 100 (varint): a Request with no known message set.
        new("unknown-oneof", "faulty", [0x03, 0xa0, 0x06, 0x01], false, null),
        // info (field 1) as a varint: Google.Protobuf keeps it as an unknown field (reference §9.1).
        new("wrong-wire-type", "faulty", [0x02, 0x08, 0x00], false, null),
        // init.nodeID = 0xc0
        new("invalid-utf8", "faulty", [0x05, 0x12, 0x03, 0x1a, 0x01, 0xc0], false, "read error at byte offset 0: invalid UTF-8 in string field init.nodeID"),
        new("point-before-init", "faulty", Frames(Requests.Point(1)), false, "protocol error: a point arrived before Init"),
        new("batch-point-outside-batch", "faultyBatch", Frames(Requests.Init(), Requests.Point(1)), false, "protocol error: a point arrived outside a batch (no BeginBatch before it)"),
        new("end-without-begin", "faultyBatch", Frames(Requests.Init(), Requests.End()), false, "protocol error: an EndBatch arrived without a BeginBatch"),
        new("second-begin", "faultyBatch", Frames(Requests.Init(), Requests.Begin(), Requests.Begin()), false, "protocol error: a BeginBatch arrived while the previous batch was still open (no EndBatch)"),
        new("wrong-edge-type", "faulty", Frames(Requests.Init(), Requests.Begin()), false, "protocol error: a BeginBatch arrived but this UDF wants STREAM"),
    ];

    public static TheoryData<string> Ids => [.. All.Select(b => b.Id)];

    public static BadInput Get(string id) => All.Single(b => b.Id == id);

    /// <summary>Sends the row's bytes and checks the outcome the table promises: one ErrorResponse containing the
    /// row's error and nothing after it, or (ignored rows) an Init still answered and a clean end.</summary>
    /// <returns>Whether the run must end as a failure (exit code 1).</returns>
    internal static async Task<bool> SendAndCheckAsync(BadInput row, UdfSocketClient client)
    {
        await client.SendBytesAsync(row.Bytes);
        if (row.Error is null)
        {
            await client.SendAsync(Requests.Init());
            (await client.ReadAsync()).Init.Success.Should().BeTrue($"{row.Id} is ignored, and the connection goes on");
            client.HalfClose();
            (await client.ReadToEndAsync()).Should().BeEmpty();
            return false;
        }

        if (row.EndInput)
        {
            client.HalfClose();
        }

        var responses = new List<Response>();
        while (await client.ReadOrEndAsync() is { } response)
        {
            responses.Add(response);
            if (response.MessageCase == Response.MessageOneofCase.Error)
            {
                break;
            }
        }

        responses.Should().NotBeEmpty().And.Subject.Last().Error.Error.Should().Contain(row.Error);
        client.HalfClose(); // Kapacitor's answer to an ErrorResponse
        (await client.ReadToEndAsync()).Should().BeEmpty("nothing follows the ErrorResponse");
        return true;
    }

    private static byte[] Frames(params Request[] requests)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var request in requests)
        {
            VarintFrame.WriteFrame(buffer, request);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
