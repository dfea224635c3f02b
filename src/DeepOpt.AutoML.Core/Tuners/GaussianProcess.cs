// Licensed under the MIT license. See LICENSE in the repository root.

using System.Numerics;
using System.Numerics.Tensors;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// A Gaussian-process regression model with a Matérn-5/2 kernel and one length scale per group of input columns
/// (a numeric coordinate is one group; the one-hot columns of a choice share one).
/// </summary>
/// <remarks>
/// The signal variance is profiled out (its maximum-likelihood value for the current length scales and noise is
/// closed-form), so hyperparameter search only moves the log length scales and the log noise, by coordinate search
/// on the log marginal likelihood plus a weak log-normal prior on each length scale.
/// </remarks>
internal sealed class GaussianProcess
{
    private const double MinLogNoise = -18.4; // 1e-8
    private const double MaxLogNoise = -2.3;  // 0.1
    private const double PriorLogLengthscale = -0.7; // 0.5 of the unit cube
    private const double PriorWidth = 1.5;

    private readonly int[] _columnGroup;
    private readonly double[] _minLogLengthscale;
    private double[][] _x = [];
    private double[] _y = [];
    private double[][] _scaled = [];
    private double[] _cholesky = [];
    private double[] _predictBuffer = [];
    private double[] _predictColumns = [];
    private double[] _factorColumns = [];
    private double[] _alpha = [];
    private int _n;

    public GaussianProcess(int[] columnGroup, double[] initialLengthscales, double[] minLengthscales)
    {
        _columnGroup = columnGroup;
        LogLengthscales = initialLengthscales.Select(v => Math.Log(v)).ToArray();
        _minLogLengthscale = minLengthscales.Select(v => Math.Log(v)).ToArray();
        LogNoise = Math.Log(1e-4);
    }

    public double[] LogLengthscales { get; }

    public double LogNoise { get; private set; }

    /// <summary>Gets the profiled signal variance of the last factorisation.</summary>
    public double SignalVariance { get; private set; } = 1;

    public int Count => _n;

    public void SetData(double[][] x, double[] y)
    {
        _x = x;
        _y = y;
        _n = x.Length;
    }

    /// <summary>Factorises the kernel matrix for the current hyperparameters, raising the noise until it is positive
    /// definite. Returns the log marginal likelihood (with the length-scale prior).</summary>
    public double Factorize()
    {
        while (true)
        {
            double? lml = TryFactorize();
            if (lml.HasValue)
            {
                return lml.Value;
            }

            if (LogNoise >= MaxLogNoise)
            {
                // With noise 0.1 on a unit-diagonal kernel of finite inputs this cannot happen.
                throw new InvalidOperationException("The kernel matrix is not positive definite even with maximal noise.");
            }

            LogNoise = Math.Min(MaxLogNoise, LogNoise + 2.3);
        }
    }

    /// <summary>Coordinate search on the log hyperparameters, warm-started from the current ones.</summary>
    public void FitHyperparameters(double[] stepSizes)
    {
        double best = Factorize();
        int groups = LogLengthscales.Length;
        foreach (double step in stepSizes)
        {
            for (int p = 0; p <= groups; p++)
            {
                foreach (double sign in (ReadOnlySpan<double>)[1.0, -1.0])
                {
                    double old = Get(p);
                    double candidate = Bound(p, old + (sign * step));
                    if (candidate == old)
                    {
                        continue;
                    }

                    Set(p, candidate);
                    double lml = TryFactorize() ?? double.NegativeInfinity;
                    if (lml > best)
                    {
                        best = lml;
                        break;
                    }

                    Set(p, old);
                }
            }
        }

        Factorize();
    }

    /// <summary>Predicts the latent mean and variance at many points at once.</summary>
    public void Predict(double[][] points, double[] mean, double[] variance)
    {
        int m = points.Length;
        int n = _n;
        int dims = _columnGroup.Length;
        var k = Buffer(ref _predictBuffer, n * m);
        var columns = Buffer(ref _predictColumns, dims * m);
        var scaledPoint = new double[dims];
        for (int c = 0; c < m; c++)
        {
            Scale(points[c], scaledPoint);
            for (int j = 0; j < dims; j++)
            {
                columns[(j * m) + c] = scaledPoint[j];
            }
        }

        var scratch = new double[m];
        for (int i = 0; i < n; i++)
        {
            Matern52Row(columns, m, _scaled[i], k.AsSpan(i * m, m), scratch);
        }

        for (int c = 0; c < m; c++)
        {
            mean[c] = 0;
        }

        for (int i = 0; i < n; i++)
        {
            double a = _alpha[i];
            int row = i * m;
            for (int c = 0; c < m; c++)
            {
                mean[c] += k[row + c] * a;
            }
        }

        // Forward substitution L V = K*, one row of candidates at a time, vectorised across candidates.
        var span = k.AsSpan(0, n * m);
        for (int i = 0; i < n; i++)
        {
            var rowI = span.Slice(i * m, m);
            for (int j = 0; j < i; j++)
            {
                double l = _cholesky[(i * n) + j];
                if (l != 0)
                {
                    Axpy(-l, span.Slice(j * m, m), rowI);
                }
            }

            double inv = 1 / _cholesky[(i * n) + i];
            for (int c = 0; c < m; c++)
            {
                rowI[c] *= inv;
            }
        }

        for (int c = 0; c < m; c++)
        {
            variance[c] = 1;
        }

        for (int i = 0; i < n; i++)
        {
            var rowI = span.Slice(i * m, m);
            for (int c = 0; c < m; c++)
            {
                variance[c] -= rowI[c] * rowI[c];
            }
        }

        for (int c = 0; c < m; c++)
        {
            variance[c] = Math.Max(variance[c], 1e-12) * SignalVariance;
        }
    }

    private double? TryFactorize()
    {
        int n = _n;
        _scaled = new double[n][];
        for (int i = 0; i < n; i++)
        {
            _scaled[i] = new double[_columnGroup.Length];
            Scale(_x[i], _scaled[i]);
        }

        int dims = _columnGroup.Length;
        var columns = Buffer(ref _factorColumns, dims * n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < dims; j++)
            {
                columns[(j * n) + i] = _scaled[i][j];
            }
        }

        // The factor is rebuilt in place for every hyperparameter candidate: no large array per evaluation.
        var l = Buffer(ref _cholesky, n * n);
        var scratch = new double[n];
        double noise = Math.Exp(LogNoise);
        for (int i = 0; i < n; i++)
        {
            // Only the lower triangle is read; the full row costs little more and keeps the loop vectorised.
            Matern52Row(columns, n, _scaled[i], l.AsSpan(i * n, n), scratch);
            l[(i * n) + i] = 1 + noise;
        }

        // In-place Cholesky of the lower triangle.
        for (int j = 0; j < n; j++)
        {
            double d = l[(j * n) + j];
            for (int k = 0; k < j; k++)
            {
                d -= l[(j * n) + k] * l[(j * n) + k];
            }

            if (!(d > 1e-12))
            {
                return null;
            }

            d = Math.Sqrt(d);
            l[(j * n) + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = l[(i * n) + j];
                for (int k = 0; k < j; k++)
                {
                    s -= l[(i * n) + k] * l[(j * n) + k];
                }

                l[(i * n) + j] = s / d;
            }
        }

        // alpha = (L L^T)^-1 y.
        var alpha = (double[])_y.Clone();
        for (int i = 0; i < n; i++)
        {
            double s = alpha[i];
            for (int k = 0; k < i; k++)
            {
                s -= l[(i * n) + k] * alpha[k];
            }

            alpha[i] = s / l[(i * n) + i];
        }

        double quad = 0;
        for (int i = 0; i < n; i++)
        {
            quad += alpha[i] * alpha[i];
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double s = alpha[i];
            for (int k = i + 1; k < n; k++)
            {
                s -= l[(k * n) + i] * alpha[k];
            }

            alpha[i] = s / l[(i * n) + i];
        }

        double logDet = 0;
        for (int i = 0; i < n; i++)
        {
            logDet += Math.Log(l[(i * n) + i]);
        }

        _cholesky = l;
        _alpha = alpha;
        SignalVariance = Math.Max(quad / n, 1e-12);
        double prior = 0;
        foreach (double ll in LogLengthscales)
        {
            double u = (ll - PriorLogLengthscale) / PriorWidth;
            prior -= 0.5 * u * u;
        }

        return (-0.5 * n * Math.Log(SignalVariance)) - logDet + prior;
    }

    /// <summary>Returns <paramref name="buffer"/> cleared to <paramref name="length"/> values, reallocated only when it
    /// must grow; the kernel matrices would otherwise land on the large-object heap at every call.</summary>
    private static double[] Buffer(ref double[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new double[Math.Max(length, buffer.Length * 2)];
        }

        Array.Clear(buffer, 0, length);
        return buffer;
    }

    private void Scale(double[] x, double[] scaled)
    {
        for (int c = 0; c < x.Length; c++)
        {
            scaled[c] = x[c] * Math.Exp(-LogLengthscales[_columnGroup[c]]);
        }
    }

    /// <summary>Matérn-5/2 between one scaled point and <paramref name="count"/> scaled points stored column by column
    /// (<paramref name="columns"/>[j * count + c] is coordinate j of point c), vectorised across the points.</summary>
    private static void Matern52Row(double[] columns, int count, double[] point, Span<double> output, double[] scratch)
    {
        output.Clear();
        for (int j = 0; j < point.Length; j++)
        {
            var column = columns.AsSpan(j * count, count);
            double x = point[j];
            int c = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vx = new Vector<double>(x);
                for (; c <= count - Vector<double>.Count; c += Vector<double>.Count)
                {
                    var d = new Vector<double>(column.Slice(c)) - vx;
                    (new Vector<double>(output.Slice(c)) + (d * d)).CopyTo(output.Slice(c));
                }
            }

            for (; c < count; c++)
            {
                double d = column[c] - x;
                output[c] += d * d;
            }
        }

        // r = sqrt(5 r^2); k = (1 + r + r^2 / 3) exp(-r).
        var r = output;
        TensorPrimitives.Multiply(r, 5.0, r);
        TensorPrimitives.Sqrt(r, r);
        var e = scratch.AsSpan(0, count);
        TensorPrimitives.Negate(r, e);
        TensorPrimitives.Exp(e, e);
        for (int c = 0; c < count; c++)
        {
            double rc = r[c];
            r[c] = (1 + rc + (rc * rc / 3)) * e[c];
        }
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int c = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var va = new Vector<double>(a);
            for (; c <= x.Length - Vector<double>.Count; c += Vector<double>.Count)
            {
                var vy = new Vector<double>(y.Slice(c));
                (vy + (va * new Vector<double>(x.Slice(c)))).CopyTo(y.Slice(c));
            }
        }

        for (; c < x.Length; c++)
        {
            y[c] += a * x[c];
        }
    }

    private double Get(int p) => p < LogLengthscales.Length ? LogLengthscales[p] : LogNoise;

    private void Set(int p, double value)
    {
        if (p < LogLengthscales.Length)
        {
            LogLengthscales[p] = value;
        }
        else
        {
            LogNoise = value;
        }
    }

    private double Bound(int p, double value) => p < LogLengthscales.Length
        ? Math.Clamp(value, _minLogLengthscale[p], Math.Log(20))
        : Math.Clamp(value, MinLogNoise, MaxLogNoise);
}
