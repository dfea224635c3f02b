// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Pruners;

/// <summary>Argument checks shared by the pruners.</summary>
internal static class PrunerChecks
{
    public static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"`{name}` must be at least {minimum}, but got {value}.");
        }
    }
}
