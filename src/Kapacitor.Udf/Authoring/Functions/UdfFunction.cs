using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf;

/// <summary>
/// One-file UDFs: an optional <c>init</c> that runs once, and a handler per point or batch. Each method returns the
/// handler factory that <c>UdfHost.RunAsync</c> takes:
/// <code>
/// return await UdfHost.RunAsync(args, UdfFunction.Stream&lt;Options&gt;(
///     init: ctx =&gt; ctx.Logger.Information("scaling {Field}", ctx.Options.Field),
///     point: (ctx, p) =&gt; p.CreateOutput().SetField("scaled", p.GetDouble(ctx.Options.Field) * ctx.Options.Factor)));
/// </code>
/// </summary>
/// <remarks>
/// <para>A handler returning a <see cref="Point"/> (or <see cref="BatchBuilder"/>) has it emitted; <see langword="null"/>
/// emits nothing. A handler returning <see cref="ValueTask"/> emits through <c>ctx.EmitAsync</c> as often as it likes.</para>
/// <para><c>ctx.Store</c> is kept in snapshots as JSON in format <c>stateVersion</c>; bump it when a stored type changes
/// incompatibly (an unreadable snapshot is then discarded with a warning instead of failing the task).</para>
/// <para>For more (async init, a typed snapshot, stream ↔ batch adapters) derive from <see cref="StreamUdf{TOptions}"/>
/// and friends; the behaviour is the same.</para>
/// </remarks>
public static class UdfFunction
{
    /// <summary>A stream → stream UDF without options whose handler returns the point to emit.</summary>
    /// <param name="point">Called per point; returns the output point, or <see langword="null"/> for none.</param>
    /// <param name="init">Called once after Init.</param>
    /// <param name="stateVersion">The format version of <c>ctx.Store</c> in snapshots.</param>
    /// <param name="storeTypes">JSON metadata for the types kept in <c>ctx.Store</c> other than string, long, int,
    /// double and bool: your <c>JsonSerializerContext</c>'s <c>Default</c> (see <see cref="StateStore"/>).</param>
    /// <returns>The handler factory for <c>UdfHost.RunAsync</c>.</returns>
    public static Func<UdfHandlerContext, IUdfHandler> Stream(Func<UdfFunctionContext<NoOptions>, Point, Point?> point, Action<UdfFunctionContext<NoOptions>>? init = null, int stateVersion = 1, IJsonTypeInfoResolver? storeTypes = null) =>
        Stream<NoOptions>(point, init, stateVersion, storeTypes);

    /// <summary>A stream → stream UDF without options whose handler emits through <c>ctx.EmitAsync</c>.</summary>
    /// <param name="point">Called per point.</param>
    /// <param name="init">Called once after Init.</param>
    /// <param name="stateVersion">The format version of <c>ctx.Store</c> in snapshots.</param>
    /// <param name="storeTypes">JSON metadata for the types kept in <c>ctx.Store</c> other than string, long, int,
    /// double and bool: your <c>JsonSerializerContext</c>'s <c>Default</c> (see <see cref="StateStore"/>).</param>
    /// <returns>The handler factory for <c>UdfHost.RunAsync</c>.</returns>
    public static Func<UdfHandlerContext, IUdfHandler> Stream(Func<UdfFunctionContext<NoOptions>, Point, ValueTask> point, Action<UdfFunctionContext<NoOptions>>? init = null, int stateVersion = 1, IJsonTypeInfoResolver? storeTypes = null) =>
        Stream<NoOptions>(point, init, stateVersion, storeTypes);

    /// <summary>A stream → stream UDF whose handler returns the point to emit.</summary>
    /// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>).</typeparam>
    /// <param name="point">Called per point; returns the output point, or <see langword="null"/> for none.</param>
    /// <param name="init">Called once after the options are bound and valid.</param>
    /// <param name="stateVersion">The format version of <c>ctx.Store</c> in snapshots.</param>
    /// <param name="storeTypes">JSON metadata for the types kept in <c>ctx.Store</c> other than string, long, int,
    /// double and bool: your <c>JsonSerializerContext</c>'s <c>Default</c> (see <see cref="StateStore"/>).</param>
    /// <returns>The handler factory for <c>UdfHost.RunAsync</c>.</returns>
    public static Func<UdfHandlerContext, IUdfHandler> Stream<[UdfOptionsClass] TOptions>(Func<UdfFunctionContext<TOptions>, Point, Point?> point, Action<UdfFunctionContext<TOptions>>? init = null, int stateVersion = 1, IJsonTypeInfoResolver? storeTypes = null)
        where TOptions : class =>
        Stream<TOptions>(Emitting(point, static (ctx, output) => ctx.EmitAsync(output)), init, stateVersion, storeTypes);

    /// <summary>A stream → stream UDF whose handler emits through <c>ctx.EmitAsync</c>.</summary>
    /// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>).</typeparam>
    /// <param name="point">Called per point.</param>
    /// <param name="init">Called once after the options are bound and valid.</param>
    /// <param name="stateVersion">The format version of <c>ctx.Store</c> in snapshots.</param>
    /// <param name="storeTypes">JSON metadata for the types kept in <c>ctx.Store</c> other than string, long, int,
    /// double and bool: your <c>JsonSerializerContext</c>'s <c>Default</c> (see <see cref="StateStore"/>).</param>
    /// <returns>The handler factory for <c>UdfHost.RunAsync</c>.</returns>
    public static Func<UdfHandlerContext, IUdfHandler> Stream<[UdfOptionsClass] TOptions>(Func<UdfFunctionContext<TOptions>, Point, ValueTask> point, Action<UdfFunctionContext<TOptions>>? init = null, int stateVersion = 1, IJsonTypeInfoResolver? storeTypes = null)
        where TOptions : class =>
        FunctionUdf<TOptions>.Factory(init, point ?? throw new ArgumentNullException(nameof(point)), null, stateVersion, storeTypes);

    /// <summary>A batch → batch UDF whose handler returns the batch to emit.</summary>
    /// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>); <see cref="NoOptions"/> for none.</typeparam>
    /// <param name="batch">Called per input batch; returns the output batch (<c>batch.CreateOutput()</c> plus points), or
    /// <see langword="null"/> for none.</param>
    /// <param name="init">Called once after the options are bound and valid.</param>
    /// <param name="stateVersion">The format version of <c>ctx.Store</c> in snapshots.</param>
    /// <param name="storeTypes">JSON metadata for the types kept in <c>ctx.Store</c> other than string, long, int,
    /// double and bool: your <c>JsonSerializerContext</c>'s <c>Default</c> (see <see cref="StateStore"/>).</param>
    /// <returns>The handler factory for <c>UdfHost.RunAsync</c>.</returns>
    public static Func<UdfHandlerContext, IUdfHandler> Batch<[UdfOptionsClass] TOptions>(Func<UdfFunctionContext<TOptions>, Batch, BatchBuilder?> batch, Action<UdfFunctionContext<TOptions>>? init = null, int stateVersion = 1, IJsonTypeInfoResolver? storeTypes = null)
        where TOptions : class =>
        Batch<TOptions>(Emitting(batch, static (ctx, output) => ctx.EmitAsync(output)), init, stateVersion, storeTypes);

    /// <summary>A batch → batch UDF whose handler emits through <c>ctx.EmitAsync</c>.</summary>
    /// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>); <see cref="NoOptions"/> for none.</typeparam>
    /// <param name="batch">Called per input batch.</param>
    /// <param name="init">Called once after the options are bound and valid.</param>
    /// <param name="stateVersion">The format version of <c>ctx.Store</c> in snapshots.</param>
    /// <param name="storeTypes">JSON metadata for the types kept in <c>ctx.Store</c> other than string, long, int,
    /// double and bool: your <c>JsonSerializerContext</c>'s <c>Default</c> (see <see cref="StateStore"/>).</param>
    /// <returns>The handler factory for <c>UdfHost.RunAsync</c>.</returns>
    public static Func<UdfHandlerContext, IUdfHandler> Batch<[UdfOptionsClass] TOptions>(Func<UdfFunctionContext<TOptions>, Batch, ValueTask> batch, Action<UdfFunctionContext<TOptions>>? init = null, int stateVersion = 1, IJsonTypeInfoResolver? storeTypes = null)
        where TOptions : class =>
        FunctionUdf<TOptions>.Factory(init, null, batch ?? throw new ArgumentNullException(nameof(batch)), stateVersion, storeTypes);

    // The overloads whose handler returns its output (a Point or a BatchBuilder, or null for none), as a handler that
    // emits it.
    private static Func<UdfFunctionContext<TOptions>, TInput, ValueTask> Emitting<TOptions, TInput, TOutput>(
        Func<UdfFunctionContext<TOptions>, TInput, TOutput?> handler,
        Func<UdfFunctionContext<TOptions>, TOutput, ValueTask> emit,
        [CallerArgumentExpression(nameof(handler))] string? name = null)
        where TOptions : class
        where TOutput : class
    {
        ArgumentNullException.ThrowIfNull(handler, name);
        return (ctx, input) => handler(ctx, input) is { } output ? emit(ctx, output) : ValueTask.CompletedTask;
    }
}
