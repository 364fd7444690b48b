using System.Runtime.CompilerServices;
using Google.Protobuf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Codec;

/// <summary>
/// Whether Google.Protobuf kept fields it did not recognise (unknown numbers, or known numbers with the wrong wire
/// type; docs/protocol.md, "Messages") in a request or its message. They are ignored, as Go and Python ignore them, but logged; the
/// encoder declines a message that carries them. The accessors read a field of our own generated code, which changes
/// only when we regenerate it (never with the Google.Protobuf version an application loads).
/// </summary>
internal static class UnknownFields
{
    public static bool Any(Request request) =>
        Of(request) is not null || request.MessageCase switch
        {
            Request.MessageOneofCase.Point => Of(request.Point) is not null,
            Request.MessageOneofCase.Begin => Of(request.Begin) is not null,
            Request.MessageOneofCase.End => Of(request.End) is not null,
            Request.MessageOneofCase.Init => Of(request.Init) is not null,
            _ => false,
        };

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_unknownFields")]
    public static extern ref UnknownFieldSet? Of(Request request);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_unknownFields")]
    public static extern ref UnknownFieldSet? Of(Point point);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_unknownFields")]
    public static extern ref UnknownFieldSet? Of(BeginBatch begin);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_unknownFields")]
    public static extern ref UnknownFieldSet? Of(EndBatch end);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_unknownFields")]
    public static extern ref UnknownFieldSet? Of(InitRequest init);
}
