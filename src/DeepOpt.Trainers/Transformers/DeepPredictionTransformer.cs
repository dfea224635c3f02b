// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// A trained DeepOpt network in an ML.NET pipeline. It appends the prediction columns of its task (as ML.NET's trainers
/// name them), runs one forward pass per batch of rows, owns the network (dispose it when done), and keeps the
/// per-epoch training history. Save and load a pipeline that contains it with
/// <see cref="DeepOptModelOperations.SaveDeepOpt(ModelOperationsCatalog, ITransformer, DataViewSchema, string)"/> and
/// <see cref="DeepOptModelOperations.LoadDeepOpt(ModelOperationsCatalog, string, out DataViewSchema)"/>.
/// </summary>
/// <remarks>
/// <para>
/// Lifetime: <see cref="Dispose"/> frees the network's native memory. It is safe to call from any thread at any time:
/// it waits for the forward passes in flight (a <c>Predict</c>, a cursor's batch), and from then on every use of the
/// model (prediction, <see cref="Transform"/>, cursors made earlier, <see cref="ParameterCount"/>, saving) throws an
/// <see cref="ObjectDisposedException"/> that names the model. A server can therefore swap models while requests run.
/// Do not dispose a model from inside a callback of its own prediction (the wait would never end).
/// </para>
/// <para>
/// PredictionEngine: by ML.NET's rule, <c>ml.Model.CreatePredictionEngine(model)</c> owns the model it is given
/// (<c>PredictionEngineOptions.OwnsTransformer</c> is true by default), so disposing the engine disposes this model, or
/// the <c>TransformerChain</c> that holds it, which disposes its members; ML.NET's own TorchSharp transformers behave the
/// same. To keep predicting, evaluating or saving with the model after the engine, create the engine with
/// <c>new PredictionEngineOptions { OwnsTransformer = false }</c> and dispose the model yourself. A model that an engine
/// has disposed is never saved as an empty file: saving it throws.
/// </para>
/// </remarks>
public sealed class DeepPredictionTransformer : ITransformer, IDisposable, ITeacher
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly OutputColumns _outputs;
    private readonly Predictor _predictor;
    private readonly ModelLifetime _lifetime;

    internal DeepPredictionTransformer(ModelDescription description, nn.Module<Tensor, Tensor> network, Device device)
    {
        Description = description;
        Device = device;
        _network = network;
        _outputs = new OutputColumns(description.Task, description.ClassCount, description.KeyValues);
        _lifetime = new ModelLifetime(NameOf(description));
        _predictor = new Predictor(network, device, description.Features.Size, description.Task, _lifetime);
    }

    /// <summary>The task this model was trained for.</summary>
    public PredictionKind Task => Description.Task;

    /// <summary>One report per epoch that ran: losses, validation metric, learning rate and seconds.</summary>
    public IReadOnlyList<EpochReport> History => Description.History;

    /// <summary>The feature column the model reads.</summary>
    public string FeatureColumnName => Description.Features.ColumnName;

    /// <summary>The number of trainable weights in the network.</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public long ParameterCount
    {
        get
        {
            using var lease = _lifetime.Enter("count its weights");
            return _network.parameters().Sum(p => p.numel());
        }
    }

    /// <summary>The number of threads libtorch uses on the CPU while this model predicts.</summary>
    /// <value>null leaves libtorch's setting; otherwise 1 or more, set for each forward pass and put back after it (a
    /// server scoring one row per request often does best with 1). It is a setting of this object, not of the saved
    /// model: set it again after <c>LoadDeepOpt</c>. Default null.</value>
    public int? PredictionThreadCount
    {
        get => _predictor.ThreadCount;
        set
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(PredictionThreadCount), value, $"`{nameof(PredictionThreadCount)}` must be 1 or more, or null to leave libtorch's setting, but got {value}.");
            }

            _predictor.ThreadCount = value;
        }
    }

    /// <summary>Always true: the transformer maps rows one to one.</summary>
    public bool IsRowToRowMapper => true;

    internal ModelDescription Description { get; }

    internal nn.Module<Tensor, Tensor> Network => _network;

    /// <summary>True once <see cref="Dispose"/> has started.</summary>
    internal bool IsDisposed => _lifetime.IsDisposed;

    /// <summary>Keeps the network alive for one native use (<paramref name="use"/> names it for the error).</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    internal ModelLifetime.Lease Lease(string use) => _lifetime.Enter(use);

    ModelDescription ITeacher.Description => Description;

    Device ITeacher.Device => Device;

    nn.Module<Tensor, Tensor> ITeacher.Network => Network;

    bool ITeacher.IsDisposed => IsDisposed;

    IDisposable ITeacher.Lease(string use) => Lease(use);

    /// <summary>The error for a use of this model after it was disposed.</summary>
    internal ObjectDisposedException Disposed(string use) => _lifetime.Disposed(use);

    internal Device Device { get; }

    /// <summary>The input schema with the prediction columns appended.</summary>
    /// <param name="inputSchema">The schema of the data to score.</param>
    /// <returns>The output schema.</returns>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema);
        return _outputs.Append(inputSchema);
    }

    /// <summary>Scores the data lazily, one forward pass per batch of rows.</summary>
    /// <param name="input">The data to score.</param>
    /// <returns>The data with the prediction columns appended.</returns>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input.Schema);
        ThrowIfDisposed("transform data");
        return new PredictionDataView(input, _outputs, _predictor, Description.Features);
    }

    /// <summary>The row mapper that PredictionEngine uses.</summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    /// <returns>A mapper from input rows to rows with predictions.</returns>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema);
        ThrowIfDisposed("map rows");
        return new PredictionRowMapper(inputSchema, _outputs, _predictor, Description.Features);
    }

    /// <summary>Not supported: ML.NET 5.0.1's loader cannot find third-party transformers.</summary>
    /// <param name="ctx">The ML.NET save context.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("A pipeline with a DeepOpt model cannot be saved with ml.Model.Save, because ML.NET's loader cannot find third-party transformers. Use ml.Model.SaveDeepOpt(model, inputSchema, path) and ml.Model.LoadDeepOpt(path, out inputSchema) instead.");

    /// <summary>
    /// Frees the network's native memory, after the forward passes in flight on other threads have finished; later
    /// uses throw <see cref="ObjectDisposedException"/>. A PredictionEngine that owns the model calls this too (see the
    /// remarks of <see cref="DeepPredictionTransformer"/>).
    /// </summary>
    public void Dispose() => _lifetime.Dispose(_network.Dispose);

    private static string NameOf(ModelDescription description) =>
        $"DeepOpt {description.Options.GetType().Name.Replace("Options", "", StringComparison.Ordinal)} model ({description.Task}, reads '{description.Features.ColumnName}')";

    private void ThrowIfDisposed(string use)
    {
        if (_lifetime.IsDisposed)
        {
            throw _lifetime.Disposed(use);
        }
    }

    private void CheckInput(DataViewSchema schema) => Description.Features.Check(schema);
}
