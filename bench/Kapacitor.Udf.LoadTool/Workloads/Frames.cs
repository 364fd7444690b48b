using System.Buffers;
using Google.Protobuf;
using Kapacitor.Udf.Framing;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.LoadTool.Workloads;

/// <summary>Whole frames (length prefix included) to send, the payloads of the answers expected, and how to show a
/// payload in an error message. Reading frames is <see cref="FrameReader"/>'s (see <see cref="BlockingFrameReader"/>).</summary>
internal static class Frames
{
    /// <summary>Request{info{}} as a frame: what Kapacitor's startup probe sends (reference §1.1).</summary>
    public static readonly byte[] InfoRequest = [0x02, 0x0a, 0x00];

    /// <summary>The payload of Response{init{success:true}}.</summary>
    public static readonly byte[] InitSuccess = [0x12, 0x02, 0x08, 0x01];

    /// <summary>The payload of Response{restore{success:true}}.</summary>
    public static readonly byte[] RestoreSuccess = new Response { Restore = new RestoreResponse { Success = true } }.ToByteArray();

    /// <summary>Encodes <paramref name="message"/> as one frame.</summary>
    public static byte[] Encode(IMessage message)
    {
        var writer = new ArrayBufferWriter<byte>(message.CalculateSize() + VarintFrame.MaxPrefixLength);
        VarintFrame.WriteFrame(writer, message);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Parses a payload as a Response; <see langword="null"/> when it does not parse.</summary>
    public static Response? TryParseResponse(ReadOnlySpan<byte> payload)
    {
        try
        {
            return Response.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>A payload for a human: its decoded Response (JSON) and its first bytes in hex.</summary>
    public static string Describe(ReadOnlySpan<byte> payload)
    {
        var response = TryParseResponse(payload);
        var decoded = response is null ? "(not a valid Response)" : response.ToString();
        return $"{decoded} [{payload.Length} bytes: {Hex(payload)}]";
    }

    /// <summary>Lower-case hex, space separated, cut after <paramref name="max"/> bytes.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes, int max = 128)
    {
        var shown = bytes[..Math.Min(bytes.Length, max)];
        var hex = string.Join(' ', shown.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        return bytes.Length > max ? hex + " ..." : hex;
    }
}
