using System.Buffers;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Workloads;

/// <summary>Whole frames (length prefix included) as bytes, and how to show them in an error message.</summary>
internal static class Frames
{
    /// <summary>Request{info{}}: what Kapacitor's startup probe sends (reference §1.1).</summary>
    public static readonly byte[] InfoRequest = [0x02, 0x0a, 0x00];

    /// <summary>Response{init{success:true}}.</summary>
    public static readonly byte[] InitSuccess = [0x04, 0x12, 0x02, 0x08, 0x01];

    /// <summary>Response{restore{success:true}}.</summary>
    public static readonly byte[] RestoreSuccess = Encode(new Response { Restore = new RestoreResponse { Success = true } });

    /// <summary>Encodes <paramref name="message"/> as one frame.</summary>
    public static byte[] Encode(IMessage message)
    {
        var writer = new ArrayBufferWriter<byte>(message.CalculateSize() + VarintFrame.MaxPrefixLength);
        VarintFrame.WriteFrame(writer, message);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>The payload of a whole frame.</summary>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> frame)
    {
        VarintFrame.TryReadLength(frame, out _, out var prefixLength);
        return frame[prefixLength..];
    }

    /// <summary>Parses a whole frame as a Response; <see langword="null"/> when it does not parse.</summary>
    public static Response? TryParseResponse(ReadOnlySpan<byte> frame)
    {
        try
        {
            return Response.Parser.ParseFrom(Payload(frame));
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>A frame for a human: its decoded Response (JSON) and its first bytes in hex.</summary>
    public static string Describe(ReadOnlySpan<byte> frame)
    {
        var response = TryParseResponse(frame);
        var decoded = response is null ? "(not a valid Response)" : response.ToString();
        return $"{decoded} [{frame.Length} bytes: {Hex(frame)}]";
    }

    /// <summary>Lower-case hex, space separated, cut after <paramref name="max"/> bytes.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes, int max = 128)
    {
        var shown = bytes[..Math.Min(bytes.Length, max)];
        var hex = string.Join(' ', shown.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        return bytes.Length > max ? hex + " ..." : hex;
    }
}
