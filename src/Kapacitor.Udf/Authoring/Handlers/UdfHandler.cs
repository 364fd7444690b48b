using System.Text.Json.Serialization;
using Google.Protobuf;
using Kapacitor.Udf.Protocol;
using Serilog;

namespace Kapacitor.Udf;

/// <summary>
/// What every authoring base class shares: the protocol's management side done for you. Info comes from the edge
/// types and <typeparamref name="TOptions"/>; Init binds the options (every problem in one answer); Snapshot and
/// Restore go through a <see cref="SnapshotCodec{TState}"/> when <see cref="UseSnapshots{TState}(SnapshotCodec{TState}, Func{TState}, Action{TState})"/>
/// was called, and are a valid empty snapshot and an accepting restore otherwise.
/// </summary>
/// <remarks>
/// Derive from <see cref="StreamUdf{TOptions}"/>, <see cref="BatchUdf{TOptions}"/>, <see cref="StreamToBatchUdf{TOptions}"/>
/// or <see cref="BatchToStreamUdf{TOptions}"/>, not from this class. The agent calls a handler from one thread, one
/// call at a time (see <see cref="IUdfHandler"/>), so derived classes need no locks for their own state.
/// </remarks>
/// <typeparam name="TOptions">The options class (see <see cref="UdfOptions"/>); <see cref="NoOptions"/> for none.</typeparam>
public abstract class UdfHandler<[UdfOptionsClass] TOptions> : IUdfHandler
    where TOptions : class
{
    private TOptions? _options;
    private ISnapshotSlot? _snapshots;

    // The edges are the derived class's (its Info answer), fixed for the connection.
    private protected UdfHandler(UdfHandlerContext context, EdgeType wants, EdgeType provides)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
        (Wants, Provides) = (wants, provides);
    }

    /// <summary>The connection: output, logger, task and node IDs, stop signal.</summary>
    protected UdfHandlerContext Context { get; }

    /// <summary>The logger; its events carry the task and node IDs once Init has arrived.</summary>
    protected ILogger Logger => Context.Logger;

    /// <summary>The options the TICKscript set, bound and validated.</summary>
    /// <exception cref="InvalidOperationException">Read before Init (for example in the constructor).</exception>
    protected TOptions Options => _options ?? throw new InvalidOperationException(
        $"Options are bound at Init: they cannot be read in the constructor or before Init (use OnInitAsync)");

    private protected EdgeType Wants { get; }

    private protected EdgeType Provides { get; }

    /// <summary>Runs once, after the options are bound and valid, before any data. Throw
    /// <see cref="UdfOptionsException"/> to reject the options with your own words (shown to the user as is); any other
    /// exception also fails the Init.</summary>
    /// <returns>A task that completes when initialization is done.</returns>
    protected virtual ValueTask OnInitAsync() => ValueTask.CompletedTask;

    /// <summary>The last call, once, after the input ended or the agent failed: release resources here.</summary>
    /// <returns>A task that completes when cleanup is done.</returns>
    protected virtual ValueTask OnStopAsync() => ValueTask.CompletedTask;

    /// <summary>Keeps typed state in Kapacitor's snapshots as JSON of format <paramref name="version"/>, with the
    /// default policy (an unreadable snapshot is discarded with a warning). Call it once, in the constructor.</summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="version">The state's format version (see <see cref="SnapshotCodec{TState}(int, ISnapshotSerializer{TState})"/>).</param>
    /// <param name="json">Your <c>JsonSerializerContext</c> with <c>[JsonSerializable(typeof(MyState))]</c>, e.g.
    /// <c>MyJson.Default</c>; see <see cref="JsonSnapshotSerializer{TState}"/>. Checked at Init.</param>
    /// <param name="save">Returns the state to store; <see langword="null"/> or empty stores nothing.</param>
    /// <param name="restore">Takes restored state. Load it all or nothing: if it throws, the policy applies.</param>
    protected void UseSnapshots<TState>(int version, JsonSerializerContext json, Func<TState?> save, Action<TState> restore)
        where TState : class =>
        UseSnapshots(new SnapshotCodec<TState>(version, json), save, restore);

    /// <summary>Keeps typed state in Kapacitor's snapshots through <paramref name="codec"/>. Call it once, in the constructor.</summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="codec">Version, serializer, migration and policy.</param>
    /// <param name="save">Returns the state to store; <see langword="null"/> or empty stores nothing. Runs on the
    /// handler's thread between calls, so it sees consistent state.</param>
    /// <param name="restore">Takes restored state. Load it all or nothing: if it throws, the policy applies.</param>
    /// <exception cref="InvalidOperationException">Called twice: keep all state in one type.</exception>
    protected void UseSnapshots<TState>(SnapshotCodec<TState> codec, Func<TState?> save, Action<TState> restore)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(save);
        ArgumentNullException.ThrowIfNull(restore);
        if (_snapshots is not null)
        {
            throw new InvalidOperationException("UseSnapshots was already called: keep all of the UDF's state in one snapshot type");
        }

        _snapshots = new SnapshotSlot<TState>(codec, save, restore);
    }

    /// <summary>Whether points given to this UDF may be kept (<see cref="PointOwnership.Owned"/>, the default) or are
    /// reused by the agent once the call has completed (<see cref="PointOwnership.Borrowed"/>: faster; emitting the
    /// point, awaited, is fine, keeping it is not).</summary>
    protected virtual PointOwnership PointOwnership => PointOwnership.Owned;

    PointOwnership IUdfHandler.PointOwnership => PointOwnership;

    // Data by edge: a stream edge's points come one by one to OnPointMessageAsync; a batch edge's Begin, points and
    // End are assembled here into one Batch for OnBatchMessageAsync. The agent refuses the other edge's messages before
    // they reach a handler (Info says which edge), so each base class overrides only its own.
    private BatchAssembler? _batch;

    // The batch-output classes' EmitAsync.
    private protected ValueTask EmitBatchAsync(BatchBuilder batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.EmitAsync(Context, cancellationToken);
    }

    private protected virtual ValueTask OnPointMessageAsync(Point point) => throw new NotSupportedException("this UDF wants batches, not a stream");

    private protected virtual ValueTask OnBatchMessageAsync(Batch batch) => throw new NotSupportedException("this UDF wants a stream, not batches");

    /// <summary>Runs after <see cref="OnInitAsync"/> succeeded, for the adapters' own setup.</summary>
    private protected virtual void OnInitialized()
    {
    }

    ValueTask<InfoResponse> IUdfHandler.InfoAsync() =>
        ValueTask.FromResult(new InfoResponse { Wants = Wants, Provides = Provides, Options = { UdfOptions.Describe<TOptions>() } });

    async ValueTask<InitResponse> IUdfHandler.InitAsync(InitRequest request)
    {
        try
        {
            _options = UdfOptions.Bind<TOptions>(request.Options);
            _snapshots?.Prepare();
            await OnInitAsync();
            OnInitialized();
        }
        catch (UdfOptionsException ex)
        {
            _options = null;
            return new InitResponse { Success = false, Error = ex.Message };
        }
        catch
        {
            // The agent answers success=false with the exception; no data will follow.
            _options = null;
            throw;
        }

        return new InitResponse { Success = true };
    }

    ValueTask<SnapshotResponse> IUdfHandler.SnapshotAsync() =>
        ValueTask.FromResult(new SnapshotResponse
        {
            // Before Init there is no state yet (and save may read Options).
            Snapshot = _snapshots is null || _options is null ? ByteString.Empty : _snapshots.Save(Context.MaxFrameSize),
        });

    ValueTask<RestoreResponse> IUdfHandler.RestoreAsync(RestoreRequest request)
    {
        if (_snapshots is null)
        {
            if (!request.Snapshot.IsEmpty)
            {
                Logger.Warning("Ignoring a {Size}-byte snapshot: this UDF keeps no state (it may have been written by an earlier build that did)", request.Snapshot.Length);
            }

            return ValueTask.FromResult(new RestoreResponse { Success = true });
        }

        var error = _snapshots.Restore(request.Snapshot, Logger);
        return ValueTask.FromResult(error is null ? new RestoreResponse { Success = true } : new RestoreResponse { Success = false, Error = error });
    }

    ValueTask IUdfHandler.BeginBatchAsync(BeginBatch begin)
    {
        (_batch ??= new BatchAssembler()).Begin(begin);
        return ValueTask.CompletedTask;
    }

    ValueTask IUdfHandler.PointAsync(Point point)
    {
        if (Wants == EdgeType.Stream)
        {
            return OnPointMessageAsync(point);
        }

        _batch!.Add(point);
        return ValueTask.CompletedTask;
    }

    ValueTask IUdfHandler.EndBatchAsync(EndBatch end) => OnBatchMessageAsync(_batch!.End(end));

    ValueTask IUdfHandler.StopAsync() => OnStopAsync();

    private interface ISnapshotSlot
    {
        ByteString Save(long maxFrameSize);

        /// <summary>Fails the Init when the state cannot be serialized (JSON metadata missing), rather than every
        /// snapshot later with only a warning.</summary>
        void Prepare();

        /// <returns>The error for <c>success=false</c>, or <see langword="null"/>.</returns>
        string? Restore(ByteString snapshot, ILogger log);
    }

    private sealed class SnapshotSlot<TState>(SnapshotCodec<TState> codec, Func<TState?> save, Action<TState> restore) : ISnapshotSlot
        where TState : class
    {
        public ByteString Save(long maxFrameSize) => codec.Encode(save(), maxFrameSize);

        public void Prepare()
        {
            if (codec.Serializer is JsonSnapshotSerializer<TState> json)
            {
                _ = json.TypeInfo;
            }
        }

        public string? Restore(ByteString snapshot, ILogger log)
        {
            var result = codec.Decode(snapshot);
            var problem = result.Problem;
            if (result.State is { } state)
            {
                try
                {
                    restore(state);
                    if (result.Outcome == SnapshotDecodeOutcome.Migrated)
                    {
                        log.Information("Restored a snapshot migrated from format version {From} to {To}", (object?)result.FromVersion ?? "(unversioned)", codec.Version);
                    }

                    return null;
                }
                catch (Exception ex)
                {
                    problem = $"loading the restored state failed: {ex.GetType().Name}: {ex.Message}";
                }
            }

            if (problem is null)
            {
                return null;
            }

            if (codec.Policy == UnreadableSnapshotPolicy.Fail)
            {
                return $"{problem}. The task will fail on every start until a UDF that reads this snapshot is deployed, or the task is deleted and defined again (deleting a task deletes its snapshot)";
            }

            log.Warning("Snapshot not restored: {Problem}; starting with empty state (UnreadableSnapshotPolicy.StartFresh)", problem);
            return null;
        }
    }
}
