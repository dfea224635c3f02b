// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// The feature-map size after each convolution block of a <see cref="CnnNetwork"/>, computed from the options with
/// the layers' own arithmetic, so a kernel, pooling window or residual sum that does not fit is an error that names
/// the option, the block and the sizes, before any tensor exists.
/// </summary>
/// <remarks>
/// Per block (see <see cref="ConvBlock"/>): each convolution gives ⌊(n + 2·Padding − KernelSize) / s⌋ + 1, with
/// s = Stride for the block's first convolution and 1 after it, and needs n + 2·Padding ≥ KernelSize; a residual
/// block adds its 1×1 shortcut, ⌊(n − 1) / Stride⌋ + 1, broadcasting as the sum does; pooling gives ⌊n / PoolSize⌋
/// and needs n ≥ PoolSize.
/// </remarks>
internal static class CnnShapes
{
    /// <summary>The height and width of the last block's output.</summary>
    /// <param name="options">Options with the image's height and width set.</param>
    /// <returns>The feature map's height and width, each 1 or more.</returns>
    public static (int Height, int Width) Output(CnnOptions options)
    {
        int height = options.ImageHeight;
        int width = options.ImageWidth;
        int padding = options.Padding;
        int kernel = options.KernelSize;
        for (int block = 0; block < options.ConvFilters.Length; block++)
        {
            var (inHeight, inWidth) = (height, width);
            for (int conv = 0; conv < options.ConvsPerBlock; conv++)
            {
                if (Math.Min(height, width) + (2 * padding) < kernel)
                {
                    throw KernelTooLarge(options, block, conv, height, width);
                }

                int stride = conv == 0 ? options.Stride : 1;
                height = ((height + (2 * padding) - kernel) / stride) + 1;
                width = ((width + (2 * padding) - kernel) / stride) + 1;
            }

            if (options.Residual)
            {
                int shortcutHeight = ((inHeight - 1) / options.Stride) + 1;
                int shortcutWidth = ((inWidth - 1) / options.Stride) + 1;
                if (Sum(height, shortcutHeight) is not int sumHeight || Sum(width, shortcutWidth) is not int sumWidth)
                {
                    throw ResidualMismatch(options, block, inHeight, inWidth, height, width, shortcutHeight, shortcutWidth);
                }

                (height, width) = (sumHeight, sumWidth);
            }

            if (options.Pooling != PoolingKind.None)
            {
                if (Math.Min(height, width) < options.PoolSize)
                {
                    throw PoolTooLarge(options, block, height, width);
                }

                height /= options.PoolSize;
                width /= options.PoolSize;
            }
        }

        return (height, width);
    }

    /// <summary>The size of main + shortcut along one axis: equal sizes, or one of them 1 (broadcast); null otherwise.</summary>
    private static int? Sum(int main, int shortcut) =>
        main == shortcut || shortcut == 1 ? main : main == 1 ? shortcut : null;

    private static string Image(CnnOptions options) => $"{options.ImageHeight}×{options.ImageWidth} image";

    private static ArgumentOutOfRangeException KernelTooLarge(CnnOptions options, int block, int conv, int height, int width)
    {
        int padded = Math.Min(height, width) + (2 * options.Padding);
        string where = block == 0 && conv == 0
            ? $"the {Image(options)}"
            : $"the {height}×{width} feature map that convolution {conv} of block {block} (`ConvFilters[{block}]`) gets from the {Image(options)}";
        string padding = options.Padding > 0 ? $" ({height + (2 * options.Padding)}×{width + (2 * options.Padding)} with `Padding` {options.Padding} on each side)" : string.Empty;
        string fewer = block > 0
            ? $", or keep the feature map larger: fewer `ConvFilters` blocks (at most {block} here), a smaller `PoolSize` or `Stride`, or `Pooling` = None"
            : string.Empty;
        return new ArgumentOutOfRangeException(nameof(CnnOptions.KernelSize), options.KernelSize,
            $"`KernelSize` {options.KernelSize} is larger than {where}{padding}. Use a `KernelSize` of at most {padded} or more `Padding`{fewer}.");
    }

    private static ArgumentOutOfRangeException PoolTooLarge(CnnOptions options, int block, int height, int width)
    {
        string window = $"the {options.PoolSize}×{options.PoolSize} pooling window (`PoolSize` {options.PoolSize})";
        if (block == 0)
        {
            return new ArgumentOutOfRangeException(nameof(CnnOptions.PoolSize), options.PoolSize,
                $"The {Image(options)} is {height}×{width} after the convolutions of block 0, smaller than {window}. Use a `PoolSize` of at most {Math.Min(height, width)}, more `Padding`, a smaller `KernelSize` or `Stride`, or `Pooling` = None.");
        }

        return new ArgumentOutOfRangeException(nameof(CnnOptions.ConvFilters), options.ConvFilters.Length,
            $"The {Image(options)} shrinks to {height}×{width} by block {block} (`ConvFilters[{block}]`) of {options.ConvFilters.Length}, smaller than {window}. Use fewer `ConvFilters` blocks (at most {block} here), a smaller `PoolSize` or `Stride`, or `Pooling` = None.");
    }

    private static ArgumentOutOfRangeException ResidualMismatch(CnnOptions options, int block, int inHeight, int inWidth, int height, int width, int shortcutHeight, int shortcutWidth) =>
        new(nameof(CnnOptions.Padding), options.Padding,
            $"`Residual` adds each block's input to its output, but block {block} (`ConvFilters[{block}]`) turns its {inHeight}×{inWidth} input into {height}×{width} with `KernelSize` {options.KernelSize} and `Padding` {options.Padding}, while its shortcut gives {shortcutHeight}×{shortcutWidth}. Keep the size: an odd `KernelSize` with `Padding` = (KernelSize − 1) / 2 (3 with 1, 5 with 2), or set `Residual` to false.");
}
