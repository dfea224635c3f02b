// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Serving;

/// <summary>
/// The model being served (a SaveDeepOpt zip run by DeepOpt, a plain ML.NET zip from ConvertToOnnxPipeline run by
/// ML.NET, or a .onnx export run by ONNX Runtime), swapped when its
/// file changes. Each request enters the model it starts with and leaves it
/// when done; a replaced model is disposed when the last request in it leaves, so a swap loses no request. A file that
/// does not load (half written, damaged) keeps the current model and is tried again at its next change. Replace the
/// file by writing a new one beside it and renaming it over the old, so the server never reads it half written.
/// </summary>
internal sealed class ModelSlot : IDisposable
{
    private readonly MLContext _ml;
    private readonly string _path;
    private readonly string _labelColumn;
    private readonly FileSystemWatcher _watcher;
    private readonly ILogger _log;
    private readonly object _reload = new();
    private ServedModel _current;
    private int _version;
    private string _loadedHash = "";

    /// <param name="ml">The context models load into.</param>
    /// <param name="path">The model file: a zip (SaveDeepOpt's, or plain ml.Model.Save's of ConvertToOnnxPipeline's pipeline),
    /// or a .onnx file from ConvertToOnnx.</param>
    /// <param name="labelColumn">The input column requests need not send (the label the model was trained on).</param>
    /// <param name="log">Where swaps are reported.</param>
    public ModelSlot(MLContext ml, string path, string labelColumn, ILogger log)
    {
        _ml = ml;
        _labelColumn = labelColumn;
        _path = Path.GetFullPath(path);
        _log = log;
        _current = Load(++_version, Hash());
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Reload();
        _watcher.Created += (_, _) => Reload();
        _watcher.Renamed += (_, _) => Reload();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>The model a request uses; dispose the lease when the request is done with it.</summary>
    public ServedModel.Lease Enter()
    {
        while (true)
        {
            var model = Volatile.Read(ref _current);
            if (model.TryEnter() is { } lease)
            {
                return lease;
            }
        }
    }

    /// <summary>
    /// Loads the file again if its content changed and serves it from now on; the old model goes when its last request
    /// leaves. One replacement raises several file events; the content decides, so it makes one new version.
    /// </summary>
    public void Reload()
    {
        lock (_reload)
        {
            ServedModel next;
            try
            {
                string hash = Hash();
                if (hash == _loadedHash)
                {
                    return;
                }

                next = Load(_version + 1, hash);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                _log.LogWarning("Kept model version {Version}: {File} did not load ({Reason}).", _version, _path, ex.Message);
                return;
            }

            _version++;
            Interlocked.Exchange(ref _current, next).Release();
            _log.LogInformation("Serving model version {Version} from {File}.", _version, _path);
        }
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _current.Release();
    }

    private string Hash()
    {
        using var file = File.OpenRead(_path);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(file));
    }

    private ServedModel Load(int version, string hash)
    {
        IModelRoute route = _path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? new OnnxRoute(_path)
            : new PipelineRoute(_ml, _path, _labelColumn);
        _loadedHash = hash;
        return new ServedModel(route, version, DateTime.UtcNow);
    }
}

/// <summary>A loaded model with a count of the requests in it; the slot's own reference counts as one.</summary>
internal sealed class ServedModel(IModelRoute route, int version, DateTime loadedAtUtc)
{
    private int _users = 1;

    /// <summary>How the model runs; safe for requests at once.</summary>
    public IModelRoute Route => route;

    public int Version => version;

    public DateTime LoadedAtUtc => loadedAtUtc;

    /// <summary>Enters the model, or returns null when it is being disposed.</summary>
    public Lease? TryEnter()
    {
        int users;
        do
        {
            users = Volatile.Read(ref _users);
            if (users == 0)
            {
                return null;
            }
        }
        while (Interlocked.CompareExchange(ref _users, users + 1, users) != users);
        return new Lease(this);
    }

    /// <summary>Leaves the model; the last to leave disposes it.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            route.Dispose();
        }
    }

    /// <summary>One request's use of the model.</summary>
    public sealed class Lease(ServedModel served) : IDisposable
    {
        private int _released;

        public ServedModel Model => served;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                served.Release();
            }
        }
    }
}
