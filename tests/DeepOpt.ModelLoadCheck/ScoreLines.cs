// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

/// <summary>Each row's Score vector and PredictedLabel as one text line, with round-trip float formatting.</summary>
public static class ScoreLines
{
    public static IEnumerable<string> Of(IDataView scored)
    {
        var score = scored.Schema["Score"];
        var predicted = scored.Schema["PredictedLabel"];
        using var cursor = scored.GetRowCursor(new[] { score, predicted });
        var scoreGetter = cursor.GetGetter<VBuffer<float>>(score);
        var buffer = default(VBuffer<float>);
        var lines = new List<string>();
        var label = predicted.Type is KeyDataViewType ? (Func<string>)KeyGetter() : ValueGetter();
        while (cursor.MoveNext())
        {
            scoreGetter(ref buffer);
            lines.Add($"{label()} {string.Join(' ', buffer.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}");
        }

        return lines;

        Func<string> KeyGetter()
        {
            var getter = cursor.GetGetter<uint>(predicted);
            uint value = 0;
            return () =>
            {
                getter(ref value);
                return value.ToString(CultureInfo.InvariantCulture);
            };
        }

        Func<string> ValueGetter()
        {
            var getter = cursor.GetGetter<float>(predicted);
            float value = 0;
            return () =>
            {
                getter(ref value);
                return value.ToString("R", CultureInfo.InvariantCulture);
            };
        }
    }
}
