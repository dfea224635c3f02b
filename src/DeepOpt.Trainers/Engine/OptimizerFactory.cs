// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>Creates the TorchSharp optimizer that <see cref="DeepTrainerOptions.Optimizer"/> names, with its own hyperparameters.</summary>
internal static class OptimizerFactory
{
    public static optim.Optimizer Create(IEnumerable<Parameter> parameters, DeepTrainerOptions o)
    {
        double lr = o.LearningRate;
        double decay = o.WeightDecay;
        return o.Optimizer switch
        {
            OptimizerKind.Sgd => optim.SGD(parameters, lr, weight_decay: decay),
            OptimizerKind.Momentum => optim.SGD(parameters, lr, momentum: o.Momentum, weight_decay: decay),
            OptimizerKind.Nesterov => optim.SGD(parameters, lr, momentum: o.Momentum, weight_decay: decay, nesterov: true),
            OptimizerKind.Adagrad => optim.Adagrad(parameters, lr, weight_decay: decay, eps: o.Epsilon),
            OptimizerKind.RmsProp => optim.RMSProp(parameters, lr, alpha: o.RmsPropAlpha, eps: o.Epsilon, weight_decay: decay),
            OptimizerKind.Adam => optim.Adam(parameters, lr, o.Beta1, o.Beta2, o.Epsilon, weight_decay: decay),
            OptimizerKind.AdamW => optim.AdamW(parameters, lr, o.Beta1, o.Beta2, o.Epsilon, weight_decay: decay),
            _ => throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Optimizer), o.Optimizer, $"`Optimizer` {o.Optimizer} is not known."),
        };
    }

    public static void SetLearningRate(optim.Optimizer optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = rate;
        }
    }
}
