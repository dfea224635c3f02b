// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.Bench.Hpo;

/// <summary>
/// The objective's space as the only pipeline of an <see cref="EciTuner"/> (what ML.NET's <c>ecicfo</c> anchor does),
/// with proposals unwrapped so the objective reads its own keys.
/// </summary>
internal sealed class SinglePipeline : ITuner
{
    private const string Name = "pipeline";
    private readonly EciTuner _eci;

    public SinglePipeline(SearchSpace space, int seed)
    {
        _eci = new EciTuner(new Dictionary<string, SearchSpace> { [Name] = space }, seed);
    }

    public Parameter Propose(TrialSettings settings) => _eci.Propose(settings)[Name];

    public void Update(TrialResult result)
    {
        var wrapped = Parameter.CreateNestedParameter();
        wrapped[EciTuner.PipelineKey] = Parameter.FromString(Name);
        wrapped[Name] = result.TrialSettings.Parameter;
        result.TrialSettings.Parameter = wrapped;
        _eci.Update(result);
    }
}
