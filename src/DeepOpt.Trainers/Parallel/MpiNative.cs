// Licensed under the MIT license. See LICENSE in the repository root.

using System.Reflection;
using System.Runtime.InteropServices;

namespace DeepOpt.Trainers;

/// <summary>
/// The part of Open MPI's C API that data-parallel training uses, by P/Invoke into libmpi.so.40 (Debian's
/// <c>libopenmpi3</c>, installed with <c>openmpi-bin</c>). Open MPI's predefined handles (MPI_COMM_WORLD, MPI_FLOAT,
/// MPI_SUM) are the addresses of its exported objects, looked up by symbol. The NuGet package MPI.NET binds Windows's
/// msmpi.dll only.
/// </summary>
internal static class MpiNative
{
    public const string Library = "libmpi.so.40";

    /// <summary>MPI_SUCCESS.</summary>
    public const int Success = 0;

    /// <summary>MPI_THREAD_SERIALIZED in Open MPI: any thread may call, one at a time.</summary>
    public const int ThreadSerialized = 2;

    /// <summary>MPI_IN_PLACE in Open MPI.</summary>
    public static readonly IntPtr InPlace = 1;

    /// <summary>MPI_STATUS_IGNORE in Open MPI.</summary>
    public static readonly IntPtr StatusIgnore = IntPtr.Zero;

    private static readonly Lazy<IntPtr> Handle = new(Open);

    static MpiNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(MpiNative).Assembly, Resolve);
    }

    public static IntPtr CommWorld => Symbol("ompi_mpi_comm_world");

    public static IntPtr Float => Symbol("ompi_mpi_float");

    public static IntPtr Sum => Symbol("ompi_mpi_op_sum");

    /// <summary>Loads libmpi, or throws saying how to install it.</summary>
    public static void Load() => _ = Handle.Value;

    [DllImport(Library)]
    public static extern int MPI_Initialized(out int flag);

    [DllImport(Library)]
    public static extern int MPI_Finalized(out int flag);

    [DllImport(Library)]
    public static extern int MPI_Init_thread(IntPtr argc, IntPtr argv, int required, out int provided);

    [DllImport(Library)]
    public static extern int MPI_Finalize();

    [DllImport(Library)]
    public static extern int MPI_Abort(IntPtr comm, int errorCode);

    [DllImport(Library)]
    public static extern int MPI_Comm_rank(IntPtr comm, out int rank);

    [DllImport(Library)]
    public static extern int MPI_Comm_size(IntPtr comm, out int size);

    [DllImport(Library)]
    public static extern int MPI_Iallreduce(IntPtr sendBuffer, IntPtr receiveBuffer, int count, IntPtr datatype, IntPtr op, IntPtr comm, out IntPtr request);

    [DllImport(Library)]
    public static extern int MPI_Ibcast(IntPtr buffer, int count, IntPtr datatype, int root, IntPtr comm, out IntPtr request);

    [DllImport(Library)]
    public static extern int MPI_Ibarrier(IntPtr comm, out IntPtr request);

    [DllImport(Library)]
    public static extern int MPI_Test(ref IntPtr request, out int flag, IntPtr status);

    /// <summary>Throws when an MPI call did not return MPI_SUCCESS (Open MPI's default handler aborts before that).</summary>
    public static void Check(int code, string call)
    {
        if (code != Success)
        {
            throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
        }
    }

    private static IntPtr Symbol(string name) => NativeLibrary.GetExport(Handle.Value, name);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == Library ? Handle.Value : IntPtr.Zero;

    private static IntPtr Open()
    {
        // RTLD_GLOBAL, as mpi4py loads it: Open MPI's plug-ins (its mca_*.so files) look up libmpi's symbols globally.
        const int Now = 2, Global = 0x100;
        IntPtr handle = dlopen(Library, Now | Global);
        if (handle == IntPtr.Zero)
        {
            throw new DllNotFoundException($"Open MPI's {Library} was not found ({Marshal.PtrToStringUTF8(dlerror())}). Install Open MPI (on Debian: apt-get install openmpi-bin libopenmpi-dev) and start the processes with mpirun.");
        }

        return handle;
    }

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen(string file, int mode);

    [DllImport("libc", EntryPoint = "dlerror")]
    private static extern IntPtr dlerror();
}
