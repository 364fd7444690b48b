using Google.Protobuf;
using Kapacitor.Udf.Protocol;

namespace Kapacitor.Udf.Testing;

public sealed partial class UdfTestHarness
{
    /// <summary>The task ID sent with Init by the fluent methods.</summary>
    public const string TaskId = "test-task";

    /// <summary>The node ID sent with Init by the fluent methods.</summary>
    public const string NodeId = "udf1";

    /// <summary>
    /// The UDF's InfoResponse (cached). Asked on this connection: Kapacitor asks on a separate one at startup, but the
    /// agent answers the same on any connection, and asking here keeps the handler factory to one call per harness
    /// (a test that captures the handler in its factory gets the handler under test).
    /// </summary>
    /// <returns>The InfoResponse.</returns>
    /// <exception cref="UdfFailedException">The UDF answered with an error (e.g. an invalid options class).</exception>
    /// <exception cref="InvalidOperationException">The input was already ended.</exception>
    public async Task<InfoResponse> InfoAsync()
    {
        if (_info is not null)
        {
            return _info;
        }

        if (_inputCompleted)
        {
            throw new InvalidOperationException("the input has ended: ask for Info before ending it");
        }

        await SendAsync(new Request { Info = new InfoRequest() });
        return _info = (await ReadAnswerAsync(Response.MessageOneofCase.Info, null)).Info;
    }

    /// <summary>
    /// Sends Init with options written as in TICKscript (<c>".size(10)"</c>, <c>"field('value')"</c>, <c>".period(10s)"</c>),
    /// first checked against the UDF's option table as <c>kapacitor define</c> would (see <see cref="TickOptions.Bind"/>).
    /// </summary>
    /// <param name="calls">The option calls, in order.</param>
    /// <returns>The UDF's InitResponse.</returns>
    /// <exception cref="UdfDefineException">Kapacitor would reject a call before the task starts.</exception>
    /// <exception cref="FormatException">A call is not valid TICKscript.</exception>
    public async Task<InitResponse> InitAsync(params string[] calls)
    {
        var options = TickOptions.Bind(calls, await InfoAsync());
        var request = new InitRequest { TaskID = TaskId, NodeID = NodeId };
        request.Options.AddRange(options);
        return await InitAsync(request);
    }

    /// <summary>Sends Init with the options these typed values stand for (see <see cref="UdfOptions.ToOptions{TOptions}"/>).</summary>
    /// <typeparam name="TOptions">The UDF's options class.</typeparam>
    /// <param name="options">The values.</param>
    /// <returns>The UDF's InitResponse.</returns>
    public Task<InitResponse> InitAsync<[UdfOptionsClass] TOptions>(TOptions options)
        where TOptions : class
    {
        var request = new InitRequest { TaskID = TaskId, NodeID = NodeId };
        request.Options.AddRange(UdfOptions.ToOptions(options));
        return InitAsync(request);
    }

    /// <summary>Sends an InitRequest as given (anything, including what Kapacitor would never send).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The UDF's InitResponse.</returns>
    public async Task<InitResponse> InitAsync(InitRequest request)
    {
        await SendAsync(new Request { Init = request });
        return (await ReadAnswerAsync(Response.MessageOneofCase.Init, null)).Init;
    }

    /// <summary>Sends a point (a stream point, or a point inside a batch).</summary>
    /// <param name="point">The point.</param>
    /// <returns>A task that completes when the agent has room for it.</returns>
    public ValueTask SendPointAsync(Point point) => SendAsync(new Request { Point = point });

    /// <summary>Sends points in order.</summary>
    /// <param name="points">The points.</param>
    /// <returns>A task that completes when the agent has room for all of them.</returns>
    public async ValueTask SendPointsAsync(IEnumerable<Point> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        foreach (var point in points)
        {
            await SendPointAsync(point);
        }
    }

    /// <summary>Sends a batch exactly as given: Begin, the points, End.</summary>
    /// <param name="begin">The Begin.</param>
    /// <param name="points">The points.</param>
    /// <param name="end">The End.</param>
    /// <returns>A task that completes when the agent has room for it.</returns>
    public async ValueTask SendBatchAsync(BeginBatch begin, IEnumerable<Point> points, EndBatch end)
    {
        ArgumentNullException.ThrowIfNull(points);
        await SendAsync(new Request { Begin = begin });
        await SendPointsAsync(points);
        await SendAsync(new Request { End = end });
    }

    /// <summary>
    /// Sends a batch the way Kapacitor does: Begin with name, group, group tags, size and byName; each point reduced
    /// to time, group, tags and fields (name, database, retention policy, dimensions and byName are dropped, as
    /// Kapacitor drops them); End with name, group, tmax and group tags, and no byName.
    /// </summary>
    /// <param name="name">The measurement.</param>
    /// <param name="tmax">The batch time, int64 nanoseconds since the Unix epoch.</param>
    /// <param name="points">The points (copied; the originals are not changed).</param>
    /// <param name="groupTags">The group's tags (its group-by dimensions and values); none when <see langword="null"/>.</param>
    /// <param name="byName">Whether the measurement is part of the group.</param>
    /// <returns>A task that completes when the agent has room for it.</returns>
    public ValueTask SendBatchAsync(string name, long tmax, IEnumerable<Point> points, IReadOnlyDictionary<string, string>? groupTags = null, bool byName = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(points);
        groupTags ??= new Dictionary<string, string>();
        var dimensions = groupTags.Keys.Order(StringComparer.Ordinal).ToArray();
        var group = TestPoint.GroupId(name, groupTags, dimensions, byName);
        var batchPoints = points.Select(p =>
        {
            var point = new Point { Time = p.Time, Group = group };
            point.Tags.Add(p.Tags);
            point.FieldsDouble.Add(p.FieldsDouble);
            point.FieldsInt.Add(p.FieldsInt);
            point.FieldsString.Add(p.FieldsString);
            point.FieldsBool.Add(p.FieldsBool);
            return point;
        }).ToList();
        var begin = new BeginBatch { Name = name, Group = group, Size = batchPoints.Count, ByName = byName };
        var end = new EndBatch { Name = name, Group = group, Tmax = tmax };
        foreach (var (key, value) in groupTags)
        {
            begin.Tags[key] = value;
            end.Tags[key] = value;
        }

        return SendBatchAsync(begin, batchPoints, end);
    }

    /// <summary>Asks for a snapshot, as Kapacitor does every <c>snapshot-interval</c>.</summary>
    /// <returns>The snapshot bytes (empty when the UDF keeps no state).</returns>
    /// <exception cref="UdfFailedException">The UDF failed instead.</exception>
    public async Task<ByteString> SnapshotAsync()
    {
        await SendAsync(new Request { Snapshot = new SnapshotRequest() });
        return (await ReadAnswerAsync(Response.MessageOneofCase.Snapshot, null)).Snapshot.Snapshot;
    }

    /// <summary>Sends a RestoreRequest, as Kapacitor does after Init when the task has a stored snapshot.</summary>
    /// <param name="snapshot">The bytes (Kapacitor only ever sends non-empty ones).</param>
    /// <returns>The UDF's RestoreResponse.</returns>
    /// <exception cref="UdfFailedException">The UDF failed instead.</exception>
    public async Task<RestoreResponse> RestoreAsync(ByteString snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await SendAsync(new Request { Restore = new RestoreRequest { Snapshot = snapshot } });
        return (await ReadAnswerAsync(Response.MessageOneofCase.Restore, null)).Restore;
    }

    /// <inheritdoc cref="RestoreAsync(ByteString)"/>
    public Task<RestoreResponse> RestoreAsync(byte[] snapshot) => RestoreAsync(ByteString.CopyFrom(snapshot));

    /// <summary>Sends a KeepaliveRequest and waits for its echo.</summary>
    /// <param name="time">The time to send (Kapacitor sends the current Unix nanoseconds).</param>
    /// <returns>The echoed time.</returns>
    /// <exception cref="UdfFailedException">The UDF failed instead.</exception>
    public async Task<long> KeepaliveAsync(long time)
    {
        await SendAsync(new Request { Keepalive = new KeepaliveRequest { Time = time } });
        return (await ReadAnswerAsync(Response.MessageOneofCase.Keepalive, time)).Keepalive.Time;
    }

    /// <summary>
    /// Everything the UDF has emitted in answer to the input sent so far, sorted into stream points and batches, plus
    /// its error if it failed. Works by sending a marker request the agent answers in input order (an InfoRequest,
    /// which after Init the agent answers itself) and reading up to its answer.
    /// Output a UDF emits later on its own (from a background task) may not be included yet.
    /// </summary>
    /// <returns>The output; empty when there was none.</returns>
    public async Task<UdfTestOutput> ReadOutputAsync()
    {
        if (_inputCompleted)
        {
            return new UdfTestOutput(await ReadToEndAsync(), null);
        }

        await SendAsync(new Request { Info = new InfoRequest() });
        var responses = new List<Response>();
        while (await ReadOrEndAsync() is { } response)
        {
            if (response.MessageCase == Response.MessageOneofCase.Info)
            {
                break;
            }

            responses.Add(response);
        }

        return new UdfTestOutput(responses, null);
    }

    /// <summary>Ends the input (as Kapacitor stopping the task), reads the output to its end and waits for the agent.</summary>
    /// <returns>The rest of the output and how the run ended.</returns>
    public async Task<UdfTestOutput> EndInputAsync()
    {
        CompleteInput();
        var responses = await ReadToEndAsync();
        return new UdfTestOutput(responses, await WaitForExitAsync());
    }

    // Reads up to the answer of the given kind; anything else read on the way is kept for later reads.
    private async Task<Response> ReadAnswerAsync(Response.MessageOneofCase answer, long? keepaliveTime)
    {
        var skipped = new List<Received>();
        try
        {
            while (true)
            {
                var received = await ReceiveAsync()
                    ?? throw new EndOfStreamException($"the UDF's output ended before the {answer} answer");
                var response = received.Response;
                if (response.MessageCase == answer && (keepaliveTime is null || response.Keepalive.Time == keepaliveTime))
                {
                    return response;
                }

                skipped.Add(received);
                if (response.MessageCase == Response.MessageOneofCase.Error)
                {
                    throw new UdfFailedException(response.Error.Error);
                }
            }
        }
        finally
        {
            // Held responses stay ahead of the ones skipped now, in arrival order.
            foreach (var received in skipped)
            {
                _pending.Enqueue(received);
            }
        }
    }
}
