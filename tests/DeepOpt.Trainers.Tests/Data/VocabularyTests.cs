// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class VocabularyTests
{
    private readonly MLContext _ml = new(seed: 1);

    private Vocabulary Build(int maxSize, int minFrequency, bool lowerCase, params string[] texts)
    {
        var data = _ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        return new Vocabulary(Vocabulary.Count(data, data.Schema["Text"], new TextTokenizer(TokenizationKind.Words, lowerCase, 1), maxSize, minFrequency, out _), lowerCase);
    }

    private static List<string> Tokens(string text, bool lowerCase)
    {
        var tokens = new List<string>();
        new TextTokenizer(TokenizationKind.Words, lowerCase, 1).Split(text, token => tokens.Add(token.ToString()));
        return tokens;
    }

    [TestMethod]
    public void Split_PunctuationAndSpaces_SeparateRunsOfLettersAndDigits()
    {
        CollectionAssert.AreEqual(new[] { "hello", "world", "42", "x86", "64", "don", "t" }, Tokens("Hello,  World! 42 x86-64 (don't)", lowerCase: true));
        CollectionAssert.AreEqual(new[] { "Hello", "World" }, Tokens("Hello World", lowerCase: false));
        Assert.IsEmpty(Tokens(" ,;-- ", lowerCase: true));
    }

    [TestMethod]
    public void Build_NoLimits_NumbersWordsByFirstOccurrenceFromTwo()
    {
        var vocabulary = Build(100, 1, true, "b a b", "c A");
        CollectionAssert.AreEqual(new[] { "b", "a", "c" }, vocabulary.Words.ToArray());
        Assert.AreEqual(2, vocabulary.IdOf("b"));
        Assert.AreEqual(3, vocabulary.IdOf("a"));
        Assert.AreEqual(4, vocabulary.IdOf("c"));
        Assert.AreEqual(Vocabulary.UnknownId, vocabulary.IdOf("zebra"));
        Assert.AreEqual(5, vocabulary.IdCount);
    }

    [TestMethod]
    public void Build_MaxSize_KeepsTheMostFrequentTiesToTheEarlierStillNumberedByFirstOccurrence()
    {
        // Counts: x 1, y 3, z 2, w 2; the two most frequent are y and then z (ties with w go to the earlier z).
        var vocabulary = Build(2, 1, true, "x y z", "w y z w y");
        CollectionAssert.AreEqual(new[] { "y", "z" }, vocabulary.Words.ToArray());
        Assert.AreEqual(Vocabulary.UnknownId, vocabulary.IdOf("x"));
        Assert.AreEqual(Vocabulary.UnknownId, vocabulary.IdOf("w"));
    }

    [TestMethod]
    public void Build_MinFrequency_DropsRareWords()
    {
        var vocabulary = Build(100, 2, true, "a b c", "b c", "c");
        CollectionAssert.AreEqual(new[] { "b", "c" }, vocabulary.Words.ToArray());
    }

    [TestMethod]
    public void Build_WithoutLowerCase_KeepsCaseDistinct()
    {
        var vocabulary = Build(100, 1, false, "Apple apple");
        CollectionAssert.AreEqual(new[] { "Apple", "apple" }, vocabulary.Words.ToArray());
    }

    [TestMethod]
    [DataRow(SequenceSide.End, SequenceSide.End, new float[] { 2, 3, 4, 5 })]
    [DataRow(SequenceSide.Start, SequenceSide.End, new float[] { 4, 5, 6, 7 })]
    [DataRow(SequenceSide.End, SequenceSide.Start, new float[] { 2, 3, 4, 5 })]
    public void Reader_LongText_IsTruncatedAtTheChosenSide(SequenceSide truncation, SequenceSide padding, float[] expected)
    {
        CollectionAssert.AreEqual(expected, Read("a b c d e f", 4, truncation, padding));
    }

    [TestMethod]
    [DataRow(SequenceSide.End, new float[] { 2, 3, 1, 0, 0 })]
    [DataRow(SequenceSide.Start, new float[] { 0, 0, 2, 3, 1 })]
    public void Reader_ShortText_IsPaddedWithZerosAtTheChosenSideAndUnknownWordsAreOne(SequenceSide padding, float[] expected)
    {
        CollectionAssert.AreEqual(expected, Read("a b zebra", 5, SequenceSide.End, padding));
    }

    private float[] Read(string text, int length, SequenceSide truncation, SequenceSide padding)
    {
        var vocabulary = Build(100, 1, true, "a b c d e f");
        var spec = new TokenSpec(TokenSource.Text, vocabulary.IdCount, truncation, padding, vocabulary);
        var data = _ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = text } });
        using var cursor = data.GetRowCursor(data.Schema);
        var read = spec.CreateReader(cursor, data.Schema["Text"], length);
        var target = Enumerable.Repeat(-1f, length + 2).ToArray();
        Assert.IsTrue(cursor.MoveNext());
        read(target, 1);
        Assert.AreEqual(-1f, target[0], "the reader must not write before its offset");
        Assert.AreEqual(-1f, target[^1], "the reader must not write past its length");
        return target[1..^1];
    }
}
