// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;

namespace Microsoft.ML;

/// <summary>Ensembles of fitted models, on ML.NET's model catalog (<c>ml.Model</c>).</summary>
public static class DeepOptEnsembles
{
    /// <summary>
    /// Makes one model of several fitted models of the same task that read the same input: it averages their class
    /// probabilities (multiclass), probabilities (binary) or scores (regression). See <see cref="EnsembleTransformer"/>.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>ml.Model</c>).</param>
    /// <param name="members">The fitted pipelines to average; the ensemble owns them and disposes them with itself.</param>
    /// <param name="inputSchema">The schema of the data the members read, against which they are checked.</param>
    /// <returns>The ensemble.</returns>
    /// <exception cref="ArgumentException">No member was given, a member cannot read <paramref name="inputSchema"/> or
    /// gives no prediction, or the members differ in task or classes; the message names the member.</exception>
    public static EnsembleTransformer CreateEnsemble(this ModelOperationsCatalog catalog, IEnumerable<ITransformer> members, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new EnsembleTransformer(members, inputSchema);
    }
}
