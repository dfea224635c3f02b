// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class DevicesTests
{
    [TestMethod]
    [DataRow("cuda")]
    [DataRow("cuda:0")]
    [DataRow("CUDA")]
    public void Check_CudaWithoutACudaDevice_NamesDeviceWhatThereIsAndTheFix(string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Devices.Check(name, cudaDevices: 0));

        Assert.AreEqual("Device", error.ParamName);
        StringAssert.Contains(error.Message, $"`Device` is \"{name}\", but CUDA is not available");
        StringAssert.Contains(error.Message, "the only device is \"cpu\"");
        StringAssert.Contains(error.Message, "Leave `Device` null");
        StringAssert.Contains(error.Message, "set it to \"cpu\"");
    }

    [TestMethod]
    public void Check_CudaIndexBeyondTheDevices_ListsTheDevicesThereAre()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Devices.Check("cuda:2", cudaDevices: 2));

        Assert.AreEqual("Device", error.ParamName);
        StringAssert.Contains(error.Message, "this machine has 2 CUDA devices: \"cuda:0\", \"cuda:1\" and \"cpu\"");
    }

    [TestMethod]
    [DataRow("gpu")]
    [DataRow("cuda:")]
    [DataRow("cuda:-1")]
    [DataRow("cuda:one")]
    [DataRow("cuda0")]
    [DataRow("cpu:1")]
    public void Check_Malformed_SaysTheFormsThatWork(string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Devices.Check(name, cudaDevices: 1));

        Assert.AreEqual("Device", error.ParamName);
        StringAssert.Contains(error.Message, $"`Device` must be \"cpu\", \"cuda\" or \"cuda:N\" (N the GPU's index, from 0), but got '{name}'.");
        StringAssert.Contains(error.Message, "Leave `Device` null");
    }

    [TestMethod]
    [DataRow(null, 0)]
    [DataRow("", 0)]
    [DataRow("cpu", 0)]
    [DataRow("CPU", 0)]
    [DataRow("cuda", 1)]
    [DataRow("cuda:1", 2)]
    public void Check_AvailableDevice_Passes(string? name, int cudaDevices) => Devices.Check(name, cudaDevices);

    [TestMethod]
    public void Constructor_CudaOnAMachineWithoutCuda_ThrowsBeforeTraining()
    {
        if (torch.cuda.is_available())
        {
            Assert.Inconclusive("This machine has CUDA; the check against 0 devices is covered above.");
        }

        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { Device = "cuda" }));

        Assert.AreEqual("Device", error.ParamName);
        StringAssert.Contains(error.Message, "CUDA is not available");
    }

    [TestMethod]
    public void Constructor_MalformedDevice_ThrowsBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { Device = "gpu" }));

        Assert.AreEqual("Device", error.ParamName);
        StringAssert.Contains(error.Message, "but got 'gpu'");
    }
}
