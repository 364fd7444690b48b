using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Kapacitor.Udf.Generated;

/// <summary>
/// The check of one validation attribute on an option (<c>[Range]</c>, <c>[MinLength]</c>, ...), with the attribute's
/// arguments read at compile time by the source generator. It decides as the DataAnnotations attribute would, without
/// its reflection, and words the problem in TICKscript terms. Generated code creates it; nothing else should.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class UdfOptionRule
{
    private readonly Func<object?, bool> _isValid;
    private readonly Func<object?, string> _reason;
    private readonly string? _errorMessage;
    private readonly object?[] _messageArguments;

    private UdfOptionRule(Func<object?, bool> isValid, Func<object?, string> reason, string? errorMessage, params object?[] messageArguments)
    {
        _isValid = isValid;
        _reason = reason;
        _errorMessage = errorMessage;
        _messageArguments = messageArguments;
    }

    /// <summary><c>[Required]</c>: not null, and a string not empty or white space unless <paramref name="allowEmptyStrings"/>.</summary>
    /// <param name="allowEmptyStrings">The attribute's <c>AllowEmptyStrings</c>.</param>
    /// <param name="errorMessage">The attribute's <c>ErrorMessage</c>, if set.</param>
    /// <returns>The rule.</returns>
    public static UdfOptionRule Required(bool allowEmptyStrings, string? errorMessage) =>
        new(v => v is not null && (allowEmptyStrings || v is not string s || !string.IsNullOrWhiteSpace(s)), _ => "must not be empty", errorMessage);

    /// <summary><c>[Range(int, int)]</c>.</summary>
    /// <param name="minimum">The lower bound.</param>
    /// <param name="maximum">The upper bound.</param>
    /// <param name="minimumIsExclusive">The attribute's <c>MinimumIsExclusive</c>.</param>
    /// <param name="maximumIsExclusive">The attribute's <c>MaximumIsExclusive</c>.</param>
    /// <param name="errorMessage">The attribute's <c>ErrorMessage</c>, if set.</param>
    /// <returns>The rule.</returns>
    public static UdfOptionRule Range(int minimum, int maximum, bool minimumIsExclusive, bool maximumIsExclusive, string? errorMessage) =>
        Range(minimum, maximum, minimum, maximum, minimumIsExclusive, maximumIsExclusive, errorMessage);

    /// <summary><c>[Range(double, double)]</c>.</summary>
    /// <param name="minimum">The lower bound.</param>
    /// <param name="maximum">The upper bound.</param>
    /// <param name="minimumIsExclusive">The attribute's <c>MinimumIsExclusive</c>.</param>
    /// <param name="maximumIsExclusive">The attribute's <c>MaximumIsExclusive</c>.</param>
    /// <param name="errorMessage">The attribute's <c>ErrorMessage</c>, if set.</param>
    /// <returns>The rule.</returns>
    public static UdfOptionRule Range(double minimum, double maximum, bool minimumIsExclusive, bool maximumIsExclusive, string? errorMessage) =>
        Range(minimum, maximum, minimum, maximum, minimumIsExclusive, maximumIsExclusive, errorMessage);

    /// <summary><c>[MinLength(n)]</c>: a string of at least n characters, or a repeated option given at least n times.</summary>
    /// <param name="length">The minimum.</param>
    /// <param name="errorMessage">The attribute's <c>ErrorMessage</c>, if set.</param>
    /// <returns>The rule.</returns>
    public static UdfOptionRule MinLength(int length, string? errorMessage) =>
        new(
            v => Length(v) is not { } n || n >= length,
            v => v is string
                ? length <= 1 ? "must not be empty" : $"must be at least {length} characters long"
                : $"must be given at least {length} {Times(length)}",
            errorMessage,
            length);

    /// <summary><c>[MaxLength(n)]</c>: a string of at most n characters, or a repeated option given at most n times
    /// (<c>[MaxLength]</c> without a length, -1, allows any).</summary>
    /// <param name="length">The maximum, or -1.</param>
    /// <param name="errorMessage">The attribute's <c>ErrorMessage</c>, if set.</param>
    /// <returns>The rule.</returns>
    public static UdfOptionRule MaxLength(int length, string? errorMessage) =>
        new(
            v => length == -1 || Length(v) is not { } n || n <= length,
            v => v is string ? $"must be at most {length} characters long" : $"may be given at most {length} {Times(length)}",
            errorMessage,
            length);

    /// <summary><c>[StringLength(max, MinimumLength = min)]</c>.</summary>
    /// <param name="maximumLength">The maximum.</param>
    /// <param name="minimumLength">The attribute's <c>MinimumLength</c>.</param>
    /// <param name="errorMessage">The attribute's <c>ErrorMessage</c>, if set.</param>
    /// <returns>The rule.</returns>
    public static UdfOptionRule StringLength(int maximumLength, int minimumLength, string? errorMessage) =>
        new(
            v => v is not string s || (s.Length >= minimumLength && s.Length <= maximumLength),
            _ => minimumLength > 0 ? $"must be {minimumLength} to {maximumLength} characters long" : $"must be at most {maximumLength} characters long",
            errorMessage,
            maximumLength,
            minimumLength);

    /// <summary><c>[RegularExpression(pattern)]</c>: the whole string matches (an empty or absent string is not checked).</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="matchTimeoutInMilliseconds">The attribute's <c>MatchTimeoutInMilliseconds</c> (-1: none).</param>
    /// <param name="errorMessage">The attribute's <c>ErrorMessage</c>, if set.</param>
    /// <returns>The rule.</returns>
    public static UdfOptionRule RegularExpression(string pattern, int matchTimeoutInMilliseconds, string? errorMessage)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = new Lazy<Regex>(() => new Regex(pattern, RegexOptions.None, matchTimeoutInMilliseconds == -1 ? Regex.InfiniteMatchTimeout : TimeSpan.FromMilliseconds(matchTimeoutInMilliseconds)));
        return new(
            v =>
            {
                if (v is not string { Length: > 0 } s)
                {
                    return true;
                }

                var match = regex.Value.Match(s);
                return match.Success && match.Index == 0 && match.Length == s.Length;
            },
            _ => $"must match the regular expression {pattern}",
            errorMessage,
            pattern);
    }

    /// <summary><c>[AllowedValues(...)]</c>.</summary>
    /// <param name="values">The allowed values.</param>
    /// <param name="errorMessage">The attribute's <c>ErrorMessage</c>, if set.</param>
    /// <returns>The rule.</returns>
    public static UdfOptionRule AllowedValues(object?[] values, string? errorMessage)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(v => Array.Exists(values, a => Equals(a, v)), _ => $"must be one of {string.Join(", ", values.Select(OptionText.Literal))}", errorMessage);
    }

    /// <summary><c>[DeniedValues(...)]</c>.</summary>
    /// <param name="values">The denied values.</param>
    /// <param name="errorMessage">The attribute's <c>ErrorMessage</c>, if set.</param>
    /// <returns>The rule.</returns>
    public static UdfOptionRule DeniedValues(object?[] values, string? errorMessage)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(v => !Array.Exists(values, a => Equals(a, v)), _ => $"must not be any of {string.Join(", ", values.Select(OptionText.Literal))}", errorMessage);
    }

    /// <summary>What is wrong with <paramref name="value"/> ("it must be at least 1", or the attribute's own
    /// message), or <see langword="null"/> when it passes.</summary>
    internal string? Check(object? value, string displayName)
    {
        if (_isValid(value))
        {
            return null;
        }

        // As DataAnnotations formats an ErrorMessage: {0} is the name, then the rule's own arguments.
        return _errorMessage is null
            ? "it " + _reason(value)
            : string.Format(CultureInfo.CurrentCulture, _errorMessage, [displayName, .. _messageArguments]);
    }

    private static UdfOptionRule Range(object minimum, object maximum, double low, double high, bool minimumIsExclusive, bool maximumIsExclusive, string? errorMessage) =>
        new(
            v => Number(v) is not { } x
                || ((minimumIsExclusive ? x.CompareTo(low) > 0 : x.CompareTo(low) >= 0) && (maximumIsExclusive ? x.CompareTo(high) < 0 : x.CompareTo(high) <= 0)),
            _ => RangeReason(minimum, maximum, minimumIsExclusive, maximumIsExclusive),
            errorMessage,
            minimum,
            maximum);

    // CompareTo, not <, as RangeAttribute compares: NaN is below every bound, so it fails any range.
    private static double? Number(object? value) => value switch
    {
        int i => i,
        long l => l,
        double d => d,
        _ => null,
    };

    private static int? Length(object? value) => value switch
    {
        string s => s.Length,
        ICollection c => c.Count,
        _ => null,
    };

    private static string Times(int n) => n == 1 ? "time" : "times";

    private static string RangeReason(object minimumBound, object maximumBound, bool minimumIsExclusive, bool maximumIsExclusive)
    {
        var minimum = Bound(minimumBound);
        var maximum = Bound(maximumBound);
        var low = minimum is null ? null : (minimumIsExclusive ? "greater than " : "at least ") + minimum;
        var high = maximum is null ? null : (maximumIsExclusive ? "less than " : "at most ") + maximum;
        return (low, high) switch
        {
            (null, null) => "must be a number",
            (_, null) => "must be " + low,
            (null, _) => "must be " + high,
            _ when !minimumIsExclusive && !maximumIsExclusive => $"must be between {minimum} and {maximum}",
            _ => $"must be {low} and {high}",
        };
    }

    // An open end ([Range(1, int.MaxValue)], [Range(1.0, double.PositiveInfinity)]) is not worth mentioning.
    private static string? Bound(object bound) => bound switch
    {
        int i when i is int.MaxValue or int.MinValue => null,
        double d when double.IsInfinity(d) || d is double.MaxValue or double.MinValue => null,
        _ => OptionText.Literal(bound),
    };
}
