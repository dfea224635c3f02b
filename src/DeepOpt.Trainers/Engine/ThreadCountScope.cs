// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;

namespace DeepOpt.Trainers;

/// <summary>
/// Sets libtorch's intra-op thread count for one piece of work and puts the count from before back when the last
/// scope open ends, so a fit's or a prediction's <c>ThreadCount</c> never outlives it. The count is process-wide:
/// scopes that overlap (fits at once, as parallel trials run) share it, the latest setting winning while they do,
/// and the first to end leaves it to those still running.
/// </summary>
internal readonly struct ThreadCountScope : IDisposable
{
    private static readonly object Gate = new();
    private static int _open;
    private static int _before;

    private readonly bool _entered;

    private ThreadCountScope(bool entered) => _entered = entered;

    /// <summary>Sets <paramref name="threads"/> threads; null leaves the setting alone.</summary>
    public static ThreadCountScope Set(int? threads)
    {
        if (threads is not { } count)
        {
            return default;
        }

        lock (Gate)
        {
            if (_open++ == 0)
            {
                _before = torch.get_num_threads();
            }

            if (torch.get_num_threads() != count)
            {
                torch.set_num_threads(count);
            }
        }

        return new ThreadCountScope(entered: true);
    }

    public void Dispose()
    {
        if (!_entered)
        {
            return;
        }

        lock (Gate)
        {
            if (--_open == 0 && torch.get_num_threads() != _before)
            {
                torch.set_num_threads(_before);
            }
        }
    }
}
