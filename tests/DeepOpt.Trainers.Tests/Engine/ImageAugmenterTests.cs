// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class ImageAugmenterTests
{
    private static CnnOptions Options() => new() { ImageHeight = 6, ImageWidth = 5, Channels = 2 };

    private static float[] Augment(CnnOptions options, int seed, torch.Tensor batch)
    {
        var augmenter = new ImageAugmenter(options, seed);
        return augmenter.Augment(batch).data<float>().ToArray().Concat(augmenter.Augment(batch).data<float>().ToArray()).ToArray();
    }

    [TestMethod]
    public void Augment_SameSeed_GivesTheSameBatches()
    {
        using var scope = torch.NewDisposeScope();
        var options = Options();
        options.RandomHorizontalFlip = true;
        options.RandomCropPadding = 2;
        options.RandomErasingProbability = 0.5;
        var batch = torch.rand(16, 60) + 1;
        CollectionAssert.AreEqual(Augment(options, 1, batch), Augment(options, 1, batch));
        CollectionAssert.AreNotEqual(Augment(options, 1, batch), Augment(options, 2, batch));
    }

    [TestMethod]
    public void Augment_Flip_GivesEachImageOrItsMirror()
    {
        using var scope = torch.NewDisposeScope();
        var options = Options();
        options.RandomHorizontalFlip = true;
        var images = torch.rand(32, 2, 6, 5);
        var output = new ImageAugmenter(options, 3).Augment(images.reshape(32, -1)).view(32, 2, 6, 5);
        int flipped = 0;
        for (int i = 0; i < 32; i++)
        {
            bool same = output[i].equal(images[i]).all().item<bool>();
            bool mirror = output[i].equal(images[i].flip(2)).all().item<bool>();
            Assert.IsTrue(same || mirror, $"image {i} is neither itself nor its mirror");
            flipped += mirror ? 1 : 0;
        }

        Assert.IsTrue(flipped is > 4 and < 28, $"{flipped} of 32 flipped");
    }

    [TestMethod]
    public void Augment_CropAfterPadding_ShiftsWithZeroFill()
    {
        using var scope = torch.NewDisposeScope();
        var options = Options();
        options.RandomCropPadding = 1;
        var images = torch.rand(16, 2, 6, 5) + 1;
        var output = new ImageAugmenter(options, 4).Augment(images.reshape(16, -1)).view(16, 2, 6, 5);
        var padded = torch.nn.functional.pad(images, new long[] { 1, 1, 1, 1 });
        for (int i = 0; i < 16; i++)
        {
            bool found = false;
            for (int top = 0; top <= 2 && !found; top++)
            {
                for (int left = 0; left <= 2 && !found; left++)
                {
                    found = output[i].equal(padded[i].narrow(1, top, 6).narrow(2, left, 5)).all().item<bool>();
                }
            }

            Assert.IsTrue(found, $"image {i} is not a window of the padded image");
        }
    }

    [TestMethod]
    public void Augment_Erasing_ZeroesOneRectangleInEveryChannel()
    {
        using var scope = torch.NewDisposeScope();
        var options = Options();
        options.RandomErasingProbability = 1;
        var images = torch.rand(8, 2, 6, 5) + 1;
        var output = new ImageAugmenter(options, 5).Augment(images.reshape(8, -1)).view(8, 2, 6, 5);
        for (int i = 0; i < 8; i++)
        {
            var zero = output[i].eq(0);
            long erased = zero[0].sum().item<long>();
            Assert.IsGreaterThan(0L, erased);
            Assert.IsTrue(zero[0].equal(zero[1]).all().item<bool>(), "channels erased differently");
            Assert.IsTrue(output[i].masked_select(zero.logical_not()).equal(images[i].masked_select(zero.logical_not())).all().item<bool>());
        }
    }
}
