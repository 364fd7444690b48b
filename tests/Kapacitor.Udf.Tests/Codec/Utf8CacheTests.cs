using System.Text;
using Kapacitor.Udf.Codec;

namespace Kapacitor.Udf.Tests.Codec;

/// <summary>The codec's string caches: the same answers as no cache, small for a connection that sees few strings,
/// grown (up to a bound) for one that keeps missing.</summary>
public class Utf8CacheTests
{
    [Fact]
    public void GetString_RepeatedBytes_TheSameStringObject()
    {
        var cache = new Utf8StringCache();

        var first = cache.GetString("host=web01"u8);
        var second = cache.GetString("host=web01"u8);

        first.Should().Be("host=web01").And.BeSameAs(second);
    }

    [Fact]
    public void GetString_ExactlyTheCachedLength_Cached()
    {
        var cache = new Utf8StringCache();
        var bytes = Encoding.UTF8.GetBytes(new string('x', Utf8StringCache.MaxCachedLength));

        cache.GetString(bytes).Should().BeSameAs(cache.GetString(bytes));
    }

    [Fact]
    public void GetString_LongerThanTheCachedLength_DecodedEveryTime()
    {
        var cache = new Utf8StringCache();
        var bytes = Encoding.UTF8.GetBytes(new string('x', Utf8StringCache.MaxCachedLength + 1));

        var first = cache.GetString(bytes);
        var second = cache.GetString(bytes);

        first.Should().Be(second).And.NotBeSameAs(second);
    }

    [Fact]
    public void GetString_InvalidUtf8_NullShortOrLong()
    {
        var cache = new Utf8StringCache();
        var longInvalid = Enumerable.Repeat((byte)'x', 100).Append((byte)0xc0).ToArray();

        cache.GetString([0xc0]).Should().BeNull();
        cache.GetString(longInvalid).Should().BeNull();
        cache.GetString([]).Should().BeEmpty();
    }

    [Fact]
    public void GetString_FewDistinctStrings_StaysAtItsInitialSize()
    {
        var cache = new Utf8StringCache(maxSlots: 4096, initialSlots: 64);

        for (var i = 0; i < 100_000; i++)
        {
            cache.GetString(Encoding.UTF8.GetBytes($"tag{i % 8}"));
        }

        cache.Slots.Should().Be(64, "eight strings do not miss often enough to grow the table");
    }

    [Fact]
    public void GetString_ManyDistinctStrings_GrowsToItsMaximumAndNoFurther()
    {
        var cache = new Utf8StringCache(maxSlots: 256, initialSlots: 16);

        for (var i = 0; i < 100_000; i++)
        {
            cache.GetString(Encoding.UTF8.GetBytes($"value{i}")).Should().Be($"value{i}");
        }

        cache.Slots.Should().Be(256);
    }

    [Fact]
    public void GetString_JustPastFourMissesPerSlot_Doubles()
    {
        var cache = new Utf8StringCache(maxSlots: 64, initialSlots: 16);

        for (var i = 0; i < 16 * 4; i++)
        {
            cache.GetString(Encoding.UTF8.GetBytes($"v{i}"));
        }

        var atFourPerSlot = cache.Slots;
        cache.GetString("one more"u8);

        atFourPerSlot.Should().Be(16);
        cache.Slots.Should().Be(32);
    }

    [Fact]
    public void Constructor_SlotCountsNotPowersOfTwo_Refused()
    {
        var notPowerOfTwo = () => new Utf8StringCache(maxSlots: 100);
        var initialAboveMaximum = () => new Utf8StringCache(maxSlots: 16, initialSlots: 32);
        var zero = () => new Utf8StringCache(maxSlots: 16, initialSlots: 0);

        notPowerOfTwo.Should().Throw<ArgumentOutOfRangeException>();
        initialAboveMaximum.Should().Throw<ArgumentOutOfRangeException>();
        zero.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Get_SameStringObject_TheSameBytes()
    {
        var cache = new Utf8EncodeCache();
        var text = "héllo";

        var first = cache.Get(text);
        var second = cache.Get(text);

        first.Should().Equal(Encoding.UTF8.GetBytes(text)).And.BeSameAs(second);
        cache.Get(new string('x', Utf8StringCache.MaxCachedLength + 1)).Should().BeNull("long strings are not cached");
        cache.Get(new string('x', Utf8StringCache.MaxCachedLength)).Should().HaveCount(Utf8StringCache.MaxCachedLength);
    }

    [Fact]
    public void Get_ManyDistinctStrings_GrowsToItsMaximumAndNoFurther()
    {
        var cache = new Utf8EncodeCache(maxSlots: 128, initialSlots: 16);
        // One string: slots are chosen by object identity (random per run), so two could share one and thrash.
        var one = new Utf8EncodeCache(maxSlots: 128, initialSlots: 16);
        var repeated = "repeated";

        for (var i = 0; i < 50_000; i++)
        {
            cache.Get($"value{i}").Should().Equal(Encoding.UTF8.GetBytes($"value{i}"));
            one.Get(repeated);
        }

        cache.Slots.Should().Be(128);
        one.Slots.Should().Be(16, "a string that hits never grows the table");
    }
}
