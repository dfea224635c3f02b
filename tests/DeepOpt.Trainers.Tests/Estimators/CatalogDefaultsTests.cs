// Licensed under the MIT license. See LICENSE in the repository root.

using System.Reflection;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Each default is written once: the catalog's parameter defaults and the options' initial values come from Options.Defaults.</summary>
[TestClass]
public sealed class CatalogDefaultsTests
{
    [TestMethod]
    public void CatalogParameters_DefaultValues_EqualOptionsDefaults()
    {
        var methods = typeof(DeepOptCatalog).GetMethods(BindingFlags.Public | BindingFlags.Static);
        int checkedParameters = 0;
        foreach (var method in methods)
        {
            var optionsDefaults = method.ReturnType == typeof(CnnTrainer) ? typeof(CnnOptions.Defaults)
                : method.ReturnType == typeof(LstmTrainer) ? typeof(LstmOptions.Defaults) : typeof(MlpOptions.Defaults);
            var defaults = new[] { typeof(DeepTrainerOptions.Defaults), optionsDefaults }
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)).ToDictionary(f => f.Name, f => f.GetValue(null));
            checkedParameters += CheckParameters(method, defaults);
        }

        Assert.IsGreaterThanOrEqualTo(25, checkedParameters);
    }

    private static int CheckParameters(MethodInfo method, Dictionary<string, object?> defaults)
    {
        int checkedParameters = 0;
        foreach (var parameter in method.GetParameters().Where(p => p.HasDefaultValue && p.DefaultValue != null))
        {
            string name = char.ToUpperInvariant(parameter.Name![0]) + parameter.Name[1..];
            Assert.IsTrue(defaults.TryGetValue(name, out var expected), $"no Defaults.{name} for catalog parameter {parameter.Name}");
            Assert.AreEqual(expected, parameter.DefaultValue, parameter.Name);
            checkedParameters++;
        }

        return checkedParameters;
    }

    [TestMethod]
    public void NewOptions_PropertyValues_EqualOptionsDefaults()
    {
        var options = new MlpOptions();
        foreach (var field in typeof(DeepTrainerOptions.Defaults).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            Assert.AreEqual(field.GetValue(null), typeof(MlpOptions).GetProperty(field.Name)!.GetValue(options), field.Name);
        }

        foreach (var field in typeof(CnnOptions.Defaults).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            Assert.AreEqual(field.GetValue(null), typeof(CnnOptions).GetProperty(field.Name)!.GetValue(new CnnOptions()), field.Name);
        }

        foreach (var field in typeof(LstmOptions.Defaults).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            Assert.AreEqual(field.GetValue(null), typeof(LstmOptions).GetProperty(field.Name)!.GetValue(new LstmOptions()), field.Name);
        }

        CollectionAssert.AreEqual(CnnOptions.Defaults.ConvFilters, new CnnOptions().ConvFilters);
        CollectionAssert.AreEqual(LstmOptions.Defaults.ConvolutionKernelSizes, new LstmOptions().ConvolutionKernelSizes);
        CollectionAssert.AreEqual(MlpOptions.Defaults.HiddenLayerSizes, options.HiddenLayerSizes);
        Assert.AreEqual(MlpOptions.Defaults.Dropout, options.Dropout);
        Assert.AreEqual(MlpOptions.Defaults.BatchNorm, options.BatchNorm);
    }
}
