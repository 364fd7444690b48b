using System.Diagnostics;

namespace Kapacitor.Udf.LoadTool.Targets;

/// <summary>Spawns a UDF executable (or <c>dotnet x.dll</c>) with STDIN/STDOUT/STDERR redirected, as Kapacitor's
/// <c>exec.Command</c> does.</summary>
internal sealed class ProcessTargetFactory : IUdfTargetFactory
{
    private readonly string _path;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly IReadOnlyList<string> _arguments;

    public ProcessTargetFactory(string path, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? arguments = null)
    {
        _arguments = arguments ?? [];
        _path = Path.GetFullPath(path);
        if (!File.Exists(_path))
        {
            throw new FileNotFoundException($"no UDF executable at {_path}", _path);
        }

        _environment = environment ?? new Dictionary<string, string>();
    }

    public string Description => _arguments.Count == 0 ? _path : $"{_path} {string.Join(' ', _arguments)}";

    public IUdfTarget Start()
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            info.FileName = "dotnet";
            info.ArgumentList.Add(_path);
        }
        else
        {
            info.FileName = _path;
        }

        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        // Children's CPU only grows when a child is reaped, and the previous one has been: the difference between now
        // and after this child's exit is this child's whole CPU time (see Rusage).
        var children = Measurement.Rusage.Children();
        return new ProcessTarget(Process.Start(info) ?? throw new InvalidOperationException($"could not start {_path}"), children);
    }
}

internal sealed class ProcessTarget : IUdfTarget
{
    private const int StderrLines = 20;
    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly TimeSpan _childrenCpuAtStart;
    private TimeSpan? _cpu;

    public ProcessTarget(Process process, TimeSpan childrenCpuAtStart)
    {
        _process = process;
        _childrenCpuAtStart = childrenCpuAtStart;
        ProcessId = process.Id;
        Input = process.StandardInput.BaseStream;
        Output = process.StandardOutput.BaseStream;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_stderr)
            {
                _stderr.Enqueue(e.Data);
                if (_stderr.Count > StderrLines)
                {
                    _stderr.Dequeue();
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public Stream Input { get; }

    public Stream Output { get; }

    public int? ProcessId { get; }

    public TimeSpan? Cpu => _cpu;

    public string StderrTail
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    public void CloseInput() => _process.StandardInput.Close();

    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return null;
        }

        // WaitForExit returns once the child has been reaped, so its CPU is in the children's totals.
        _cpu ??= Measurement.Rusage.Children() - _childrenCpuAtStart;
        return _process.ExitCode;
    }

    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }

        _process.Dispose();
    }
}
