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
public sealed class DeepPredictionTransformer : ITransformer, IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly OutputColumns _outputs;
    private readonly Predictor _predictor;
    private bool _disposed;

    internal DeepPredictionTransformer(ModelDescription description, nn.Module<Tensor, Tensor> network, Device device)
    {
        Description = description;
        Device = device;
        _network = network;
        _outputs = new OutputColumns(description.Task, description.ClassCount, description.KeyValues);
        _predictor = new Predictor(network, device, description.Features.Size, description.Task);
    }

    /// <summary>The task this model was trained for.</summary>
    public PredictionKind Task => Description.Task;

    /// <summary>One report per epoch that ran: losses, validation metric, learning rate and seconds.</summary>
    public IReadOnlyList<EpochReport> History => Description.History;

    /// <summary>The feature column the model reads.</summary>
    public string FeatureColumnName => Description.Features.ColumnName;

    /// <summary>The number of trainable weights in the network.</summary>
    public long ParameterCount => _network.parameters().Sum(p => p.numel());

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
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new PredictionDataView(input, _outputs, _predictor, Description.Features);
    }

    /// <summary>The row mapper that PredictionEngine uses.</summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    /// <returns>A mapper from input rows to rows with predictions.</returns>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new PredictionRowMapper(inputSchema, _outputs, _predictor, Description.Features);
    }

    /// <summary>Not supported: ML.NET 5.0.1's loader cannot find third-party transformers.</summary>
    /// <param name="ctx">The ML.NET save context.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("A pipeline with a DeepOpt model cannot be saved with ml.Model.Save, because ML.NET's loader cannot find third-party transformers. Use ml.Model.SaveDeepOpt(model, inputSchema, path) and ml.Model.LoadDeepOpt(path, out inputSchema) instead.");

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _network.Dispose();
            _disposed = true;
        }
    }

    private void CheckInput(DataViewSchema schema) => Description.Features.Check(schema);
}
