// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace DeepOpt.Trainers;

/// <summary>The shape of images read from an ML.NET image column: height, width and channels (1 grey or 3 RGB).</summary>
/// <param name="Height">Pixels down.</param>
/// <param name="Width">Pixels across.</param>
/// <param name="Channels">1 or 3.</param>
internal sealed record ImageShape(int Height, int Width, int Channels);

/// <summary>
/// What the network reads from the feature column: a known-size float vector, images converted to channel-first
/// float pixels (0–255, before <see cref="CnnOptions.PixelScale"/>), or token sequences converted to ids. Saved with
/// the model, so scoring converts alike.
/// </summary>
/// <param name="ColumnName">The feature column.</param>
/// <param name="Size">Floats per row.</param>
/// <param name="Image">The image shape for an image column, null otherwise.</param>
/// <param name="Tokens">How text or keys become token ids, null otherwise.</param>
internal sealed record FeatureSpec(string ColumnName, int Size, ImageShape? Image, TokenSpec? Tokens = null)
{
    /// <summary>A reader that copies the current row's features into an array at an offset.</summary>
    public delegate void Reader(float[] target, int offset);

    /// <summary>Checks a column against this spec, as the transformer does before scoring.</summary>
    public void Check(DataViewSchema schema)
    {
        var column = schema.GetColumnOrNull(ColumnName) ?? throw SchemaChecks.Missing(SchemaChecks.FeatureRole, ColumnName);
        if (Tokens != null)
        {
            if (!Tokens.Fits(column.Type))
            {
                throw SchemaChecks.Mismatch(SchemaChecks.FeatureRole, ColumnName, Tokens.Describe(), $"{column.Type}", "Score data prepared by the same transforms as the training data.");
            }

            return;
        }

        bool fits = Image == null
            ? column.Type is VectorDataViewType vector && vector.ItemType == NumberDataViewType.Single && vector.Size == Size
            : column.Type is ImageDataViewType;
        if (!fits)
        {
            string expected = Image == null ? $"vector of Single of size {Size}" : $"image of {Image.Height}×{Image.Width}";
            throw SchemaChecks.Mismatch(SchemaChecks.FeatureRole, ColumnName, expected, $"{column.Type}", "Score data prepared by the same transforms as the training data.");
        }
    }

    /// <summary>A reader of the current row of <paramref name="row"/>.</summary>
    public Reader CreateReader(DataViewRow row)
    {
        var column = row.Schema[ColumnName];
        if (Tokens != null)
        {
            return Tokens.CreateReader(row, column, Size);
        }

        if (Image == null)
        {
            var getter = row.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            return (target, offset) =>
            {
                getter(ref buffer);
                if (buffer.Length != Size)
                {
                    throw new InvalidOperationException($"Schema mismatch for features column '{ColumnName}': expected vector of size {Size}, got {buffer.Length}.");
                }

                buffer.CopyTo(target, offset);
            };
        }

        var imageGetter = row.GetGetter<MLImage>(column);
        MLImage image = null!;
        var shape = Image;
        return (target, offset) =>
        {
            try
            {
                imageGetter(ref image);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidOperationException($"Could not load the image of features column '{ColumnName}' at row {row.Position}: {ex.Message} Check the path and the file, or filter the row out.", ex);
            }

            if (image == null)
            {
                throw new InvalidOperationException($"Features column '{ColumnName}' has no image at row {row.Position} (an empty path). Filter such rows out.");
            }

            if (image.Height != shape.Height || image.Width != shape.Width)
            {
                throw new InvalidOperationException($"Features column '{ColumnName}' has an image of {image.Height}×{image.Width} at row {row.Position}{(image.Tag is { Length: > 0 } tag ? $" ({tag})" : "")}, but the network expects {shape.Height}×{shape.Width}. Resize the images first with ml.Transforms.ResizeImages, or set `ImageHeight` and `ImageWidth`.");
            }

            CopyPixels(image, shape, target, offset);
        };
    }

    private static void CopyPixels(MLImage image, ImageShape shape, float[] target, int offset)
    {
        byte[] bgr = image.GetBGRPixels;
        int plane = shape.Height * shape.Width;
        for (int p = 0; p < plane; p++)
        {
            float blue = bgr[3 * p];
            float green = bgr[(3 * p) + 1];
            float red = bgr[(3 * p) + 2];
            if (shape.Channels == 1)
            {
                target[offset + p] = (0.299f * red) + (0.587f * green) + (0.114f * blue);
            }
            else
            {
                target[offset + p] = red;
                target[offset + plane + p] = green;
                target[offset + (2 * plane) + p] = blue;
            }
        }
    }
}
