// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;

namespace DeepOpt.Trainers;

/// <summary>
/// Sets libtorch's intra-op thread count for one piece of work and puts the previous value back when disposed, so a
/// fit's or a prediction's <c>ThreadCount</c> never outlives it.
/// </summary>
internal readonly struct ThreadCountScope : IDisposable
{
    private readonly int _previous;

    private ThreadCountScope(int previous) => _previous = previous;

    /// <summary>Sets <paramref name="threads"/> threads; null leaves the setting alone.</summary>
    public static ThreadCountScope Set(int? threads)
    {
        if (threads is not { } count)
        {
            return default;
        }

        int previous = torch.get_num_threads();
        if (previous != count)
        {
            torch.set_num_threads(count);
        }

        return new ThreadCountScope(previous);
    }

    public void Dispose()
    {
        if (_previous > 0 && torch.get_num_threads() != _previous)
        {
            torch.set_num_threads(_previous);
        }
    }
}
