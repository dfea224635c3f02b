// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Random horizontal flip, random crop after zero padding (a shift), and random erasing of a rectangle, on flat pixel
/// vectors in the options' layout. Every decision comes from one <see cref="Random"/> seeded by the trainer, so the same
/// seed gives the same augmented batches.
/// </summary>
internal sealed class ImageAugmenter : IBatchAugmenter
{
    private readonly CnnOptions _options;
    private readonly Random _random;

    public ImageAugmenter(CnnOptions options, int seed)
    {
        _options = options;
        _random = new Random(unchecked((seed * 7919) + 17));
    }

    public Tensor Augment(Tensor batch)
    {
        int rows = (int)batch.shape[0];
        int height = _options.ImageHeight;
        int width = _options.ImageWidth;
        int channels = _options.Channels;
        bool last = _options.Layout == ImageLayout.ChannelsLast;
        var images = last ? batch.view(rows, height, width, channels).permute(0, 3, 1, 2) : batch.view(rows, channels, height, width);
        if (_options.RandomHorizontalFlip)
        {
            var flip = Enumerable.Range(0, rows).Select(_ => _random.NextDouble() < 0.5).ToArray();
            var mask = torch.tensor(flip, device: batch.device).view(rows, 1, 1, 1);
            images = torch.where(mask, images.flip(3), images);
        }

        if (_options.RandomCropPadding > 0)
        {
            int pad = _options.RandomCropPadding;
            var padded = nn.functional.pad(images, new long[] { pad, pad, pad, pad });
            var crops = new Tensor[rows];
            for (int i = 0; i < rows; i++)
            {
                int top = _random.Next(2 * pad + 1);
                int left = _random.Next(2 * pad + 1);
                crops[i] = padded[i].narrow(1, top, height).narrow(2, left, width);
            }

            images = torch.stack(crops);
        }

        if (_options.RandomErasingProbability > 0)
        {
            var erase = new bool[rows * height * width];
            for (int i = 0; i < rows; i++)
            {
                if (_random.NextDouble() >= _options.RandomErasingProbability)
                {
                    continue;
                }

                // As Zhong et al.: an area of 2–33 % of the image with an aspect ratio between 0.3 and 3.3.
                double area = height * width * (0.02 + (_random.NextDouble() * 0.31));
                double ratio = Math.Exp(Math.Log(0.3) + (_random.NextDouble() * (Math.Log(3.3) - Math.Log(0.3))));
                int h = Math.Min(height, Math.Max(1, (int)Math.Round(Math.Sqrt(area * ratio))));
                int w = Math.Min(width, Math.Max(1, (int)Math.Round(Math.Sqrt(area / ratio))));
                int top = _random.Next(height - h + 1);
                int left = _random.Next(width - w + 1);
                for (int y = top; y < top + h; y++)
                {
                    Array.Fill(erase, true, (i * height * width) + (y * width) + left, w);
                }
            }

            var mask = torch.tensor(erase, device: batch.device).view(rows, 1, height, width);
            using Scalar zero = 0f.ToScalar();
            images = images.masked_fill(mask, zero);
        }

        return (last ? images.permute(0, 2, 3, 1) : images).reshape(rows, -1);
    }
}
