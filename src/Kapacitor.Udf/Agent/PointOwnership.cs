namespace Kapacitor.Udf;

/// <summary>Who owns the <see cref="Protocol.Point"/> objects a handler receives.</summary>
public enum PointOwnership
{
    /// <summary>Every point is a new object the handler may keep (buffer, store, hand to another thread).</summary>
    Owned,

    /// <summary>
    /// The handler keeps no reference to a point, its maps or its lists once <see cref="IUdfHandler.PointAsync"/>
    /// has completed, so the agent may reuse point objects: most of the per-point allocation disappears. Emitting
    /// the point (changed or not) is fine, because an emit serializes before it completes: await it.
    /// </summary>
    Borrowed,
}
