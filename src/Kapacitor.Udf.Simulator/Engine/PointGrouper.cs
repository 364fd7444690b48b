using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Simulator.Engine;

/// <summary>
/// Turns raw points into stream points as <c>stream|from().groupBy(...)</c> hands them to a UDF node: database,
/// retention policy, dimensions, byName and the group ID filled in, next to the point's own name, tags and fields.
/// </summary>
public sealed class PointGrouper
{
    private readonly string[] _dimensions;
    private readonly bool _allTags;

    /// <summary>Creates a grouper.</summary>
    /// <param name="groupBy">The <c>groupBy</c> tag names; <c>*</c> alone means every tag of each point.</param>
    /// <param name="byMeasurement">Whether the measurement is part of the group (<c>.byMeasurement()</c>).</param>
    /// <param name="database">The database every point comes from.</param>
    /// <param name="retentionPolicy">The retention policy every point comes from.</param>
    /// <exception cref="ArgumentException">A dimension is empty, or <c>*</c> is mixed with named dimensions (Kapacitor refuses both).</exception>
    public PointGrouper(IReadOnlyList<string> groupBy, bool byMeasurement, string database, string retentionPolicy)
    {
        ArgumentNullException.ThrowIfNull(groupBy);
        if (groupBy.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("dimensions cannot not be the empty string", nameof(groupBy));
        }

        _allTags = groupBy.Contains("*");
        if (_allTags && groupBy.Count > 1)
        {
            throw new ArgumentException("cannot group by both '*' and named dimensions.", nameof(groupBy));
        }

        // Kapacitor sorts the groupBy dimensions before it builds any group ID: determineTagNames in group_by.go
        // (used by both the groupBy node and stream|from().groupBy(), stream.go) calls sort.Strings on them.
        _dimensions = _allTags ? [] : groupBy.Order(StringComparer.Ordinal).ToArray();
        ByMeasurement = byMeasurement;
        Database = database ?? throw new ArgumentNullException(nameof(database));
        RetentionPolicy = retentionPolicy ?? throw new ArgumentNullException(nameof(retentionPolicy));
    }

    /// <summary>The dimensions in the order Kapacitor uses them (sorted); empty for <c>*</c>, where each point's sorted tag keys are used.</summary>
    public IReadOnlyList<string> Dimensions => _dimensions;

    // groupBy('*'): each point's own tag keys are its dimensions.
    internal bool AllTags => _allTags;

    /// <summary>Whether the measurement is part of the group.</summary>
    public bool ByMeasurement { get; }

    /// <summary>The database stamped on every point that has none of its own.</summary>
    public string Database { get; }

    /// <summary>The retention policy stamped on every point that has none of its own.</summary>
    public string RetentionPolicy { get; }

    /// <summary>Builds the stream point for a raw point; the input is not modified.</summary>
    /// <param name="raw">A point with name, tags, fields and time; a database and retention policy of its own (from a
    /// stream recording) are kept.</param>
    /// <returns>A fully populated copy.</returns>
    public Point ToStreamPoint(Point raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return Stamp(raw.Clone());
    }

    // ToStreamPoint without the copy: the engine owns the raw points it reads.
    internal Point Stamp(Point point)
    {
        if (point.Database.Length == 0)
        {
            point.Database = Database;
        }

        if (point.RetentionPolicy.Length == 0)
        {
            point.RetentionPolicy = RetentionPolicy;
        }

        point.ByName = ByMeasurement;
        point.Dimensions.Clear();
        point.Dimensions.Add(DimensionsOf(point));
        point.Group = GroupId.Compute(point.Name, point.Tags, point.Dimensions, ByMeasurement);
        return point;
    }

    /// <summary>The group's tags, as a window hands them to BeginBatch/EndBatch: one entry per dimension, a missing tag as <c>""</c>.</summary>
    /// <param name="point">A stream point from <see cref="ToStreamPoint"/>.</param>
    /// <returns>The group tags.</returns>
    public static Dictionary<string, string> GroupTags(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var tags = new Dictionary<string, string>(point.Dimensions.Count, StringComparer.Ordinal);
        foreach (var dimension in point.Dimensions)
        {
            tags[dimension] = point.Tags.TryGetValue(dimension, out var value) ? value : string.Empty;
        }

        return tags;
    }

    private IReadOnlyList<string> DimensionsOf(Point point) =>
        _allTags ? point.Tags.Keys.Order(StringComparer.Ordinal).ToArray() : _dimensions;
}
