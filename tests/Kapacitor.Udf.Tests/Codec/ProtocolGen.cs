using FsCheck;
using FsCheck.Fluent;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Tests.Codec;

/// <summary>Generators of protocol messages with the awkward values: empty strings and keys, non-ASCII, lone
/// surrogates, -0.0, NaN, extreme integers.</summary>
internal static class ProtocolGen
{
    public static readonly Gen<string> Strings = Gen.Frequency(
        (3, Gen.Elements("", "cpu", "host", "value", "serverA", "us-west", "group=a", "avg")),
        (2, Gen.Elements("é", "日本語", "emoji😀", "tab\tnew\nline", "\0nul", new string('x', 70), "\ud800lone", "end\udfff")),
        (2, Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(Gen.Choose(32, 0x24F).Select(c => (char)c), n)).Select(cs => new string(cs))));

    public static readonly Gen<double> Doubles = Gen.Frequency(
        (2, Gen.Elements(0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.5, double.Epsilon, double.MaxValue)),
        (3, Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 7.0)));

    public static readonly Gen<long> Longs = Gen.Frequency(
        (2, Gen.Elements(0L, -1L, 1L, long.MinValue, long.MaxValue, 1_700_000_000_000_000_000L)),
        (3, Gen.Choose(int.MinValue, int.MaxValue).Select(i => (long)i * 7919)));

    public static readonly Gen<bool> Bools = Gen.Elements(true, false);

    public static readonly Gen<Point> Points =
        from time in Longs
        from name in Strings
        from database in Strings
        from rp in Strings
        from grp in Strings
        from dims in Gen.ListOf(Strings, 3)
        from tags in Entries(Strings)
        from doubles in Entries(Doubles)
        from ints in Entries(Longs)
        from strings in Entries(Strings)
        from byName in Bools
        from bools in Entries(Bools)
        select Build(time, name, database, rp, grp, dims, tags, doubles, ints, strings, byName, bools);

    public static readonly Gen<BeginBatch> Begins =
        from name in Strings
        from grp in Strings
        from tags in Entries(Strings)
        from size in Longs
        from byName in Bools
        select Fill(new BeginBatch { Name = name, Group = grp, Size = size, ByName = byName }, b => b.Tags, tags);

    public static readonly Gen<EndBatch> Ends =
        from name in Strings
        from grp in Strings
        from tmax in Longs
        from tags in Entries(Strings)
        from byName in Bools
        select Fill(new EndBatch { Name = name, Group = grp, Tmax = tmax, ByName = byName }, e => e.Tags, tags);

    private static Gen<List<(string, T)>> Entries<T>(Gen<T> values) => Gen.ListOf(Gen.Zip(Strings, values), 4).Select(l => l.ToList());

    private static Point Build(
        long time, string name, string database, string rp, string grp, IEnumerable<string> dims,
        List<(string, string)> tags, List<(string, double)> doubles, List<(string, long)> ints,
        List<(string, string)> strings, bool byName, List<(string, bool)> bools)
    {
        var point = new Point { Time = time, Name = name, Database = database, RetentionPolicy = rp, Group = grp, ByName = byName };
        point.Dimensions.AddRange(dims);
        foreach (var (k, v) in tags)
        {
            point.Tags[k] = v;
        }

        foreach (var (k, v) in doubles)
        {
            point.FieldsDouble[k] = v;
        }

        foreach (var (k, v) in ints)
        {
            point.FieldsInt[k] = v;
        }

        foreach (var (k, v) in strings)
        {
            point.FieldsString[k] = v;
        }

        foreach (var (k, v) in bools)
        {
            point.FieldsBool[k] = v;
        }

        return point;
    }

    private static T Fill<T>(T message, Func<T, Google.Protobuf.Collections.MapField<string, string>> map, List<(string, string)> entries)
    {
        foreach (var (k, v) in entries)
        {
            map(message)[k] = v;
        }

        return message;
    }
}
