// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;

namespace DeepOpt.Serving;

/// <summary>One way of running a served model: DeepOpt's own (a SaveDeepOpt zip) or ONNX Runtime (an exported .onnx).</summary>
internal interface IModelRoute : IDisposable
{
    /// <summary>What a request must send, as a sentence part: "'Pixels' (an array of 64 numbers)".</summary>
    string Inputs { get; }

    /// <summary>The answer to one request body: predictedLabel, score and, for binary classifiers, probability.</summary>
    /// <exception cref="BadRequestException">The body does not fit the model's inputs.</exception>
    Dictionary<string, object?> Predict(JsonElement body);

    /// <summary>The answers to the rows of a batch body (see <see cref="Batch"/>), scored together, in order.</summary>
    /// <exception cref="BadRequestException">The batch is empty or too large, or a row does not fit the model's inputs.</exception>
    List<Dictionary<string, object?>> PredictBatch(IReadOnlyList<JsonElement> rows);
}
