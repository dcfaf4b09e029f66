package analysis

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// seededValues returns n values drawn by draw from a generator seeded with (seed, seed).
func seededValues(n int, seed uint64, draw func(rng *rand.Rand) float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, seed))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = draw(rng)
	}
	return xs
}

// diagonal returns diag(ev).
func diagonal(ev []float64) *mat.SymDense {
	d := mat.NewSymDense(len(ev), nil)
	for i, v := range ev {
		d.SetSym(i, i, v)
	}
	return d
}

// withSpectrum returns Q·diag(ev)·Qᵀ for a random orthogonal Q (the Q factor of a
// seeded Gaussian matrix).
func withSpectrum(ev []float64, seed uint64) *mat.SymDense {
	n := len(ev)
	rng := rand.New(rand.NewPCG(seed, 3))
	g := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	var a mat.Dense
	a.Mul(&q, mat.NewDiagDense(n, ev))
	a.Mul(&a, q.T())
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (a.At(i, j)+a.At(j, i))/2)
		}
	}
	return s
}

// matHVP is the HVP of a dense symmetric matrix; it counts its products.
func matHVP(a mat.Symmetric, count *int) HVP {
	return func(v, out []float64) error {
		if count != nil {
			*count++
		}
		mat.NewVecDense(len(out), out).MulVec(a, mat.NewVecDense(len(v), v))
		return nil
	}
}

// exactSpectrum returns a's eigenvalues ascending, from gonum's EigenSym.
func exactSpectrum(t *testing.T, a mat.Symmetric) []float64 {
	t.Helper()
	ev, err := Eigenvalues(a)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestLanczosFullRunGivesWholeSpectrum(t *testing.T) {
	spread := seededValues(60, 5, func(rng *rand.Rand) float64 { return rng.NormFloat64() * math.Pow(10, 2*rng.Float64()-1) })
	repeated := []float64{-2, -2, -2, 0, 0, 0, 0, 1e-3, 1, 1, 5, 5, 5, 5, 40}
	for _, c := range []struct {
		name string
		ev   []float64
	}{
		{"spread", spread},
		{"repeated eigenvalues and a null space", repeated},
		{"zero matrix", make([]float64, 8)},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := withSpectrum(c.ev, 11)
			want := exactSpectrum(t, a)
			n := len(c.ev)
			var count int
			l, err := RunLanczos(matHVP(a, &count), n, LanczosOptions{Iterations: n, Seed: 2})
			if err != nil {
				t.Fatal(err)
			}
			if count != n || l.Products != n {
				t.Errorf("%d products (counted %d), want %d", l.Products, count, n)
			}
			scale := math.Max(math.Abs(want[0]), math.Abs(want[n-1]))
			for i := range want {
				if math.Abs(l.Ritz[i]-want[i]) > 1e-10*math.Max(scale, 1) {
					t.Errorf("Ritz value %d = %.15g, want %.15g", i, l.Ritz[i], want[i])
				}
			}
			if s := floats.Sum(l.Weights); math.Abs(s-1) > 1e-12 {
				t.Errorf("quadrature weights sum to %.15g, want 1", s)
			}
		})
	}
}

func TestExtremeEigenvaluesConvergeFirst(t *testing.T) {
	// 400 eigenvalues: a bulk in [-0.5, 1] and five outliers at each end, the way a
	// Hessian's top eigenvalues stand out of its bulk.
	const n = 400
	ev := seededValues(n, 8, func(rng *rand.Rand) float64 { return -0.5 + 1.5*rng.Float64() })
	copy(ev, []float64{50, 30, 20, 12, 8})
	copy(ev[5:], []float64{-9, -6, -4, -3, -2})
	a := withSpectrum(ev, 12)
	want := exactSpectrum(t, a)
	var count int
	top, bottom, err := ExtremeEigenvalues(matHVP(a, &count), n, 5, LanczosOptions{Iterations: 80, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if count != 80 {
		t.Errorf("%d products, want 80", count)
	}
	for i := 0; i < 5; i++ {
		if !scalar.EqualWithinRel(top[i], want[n-1-i], 1e-10) {
			t.Errorf("top %d = %.15g, want %.15g", i, top[i], want[n-1-i])
		}
		if !scalar.EqualWithinRel(bottom[i], want[i], 1e-10) {
			t.Errorf("bottom %d = %.15g, want %.15g", i, bottom[i], want[i])
		}
	}
}

func TestExtremeEigenvaluesRejectsBadArguments(t *testing.T) {
	a := withSpectrum([]float64{1, 2, 3}, 1)
	for _, c := range []struct {
		name string
		k    int
		o    LanczosOptions
	}{
		{"k zero", 0, LanczosOptions{}},
		{"k above n", 4, LanczosOptions{}},
		{"fewer iterations than k", 3, LanczosOptions{Iterations: 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := ExtremeEigenvalues(matHVP(a, nil), 3, c.k, c.o); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestRestrictIsThePrincipalSubmatrix(t *testing.T) {
	const n = 30
	ev := seededValues(n, 4, func(rng *rand.Rand) float64 { return 10 * rng.NormFloat64() })
	a := withSpectrum(ev, 21)
	ranges := []Range{{3, 9}, {20, 27}}
	var idx []int
	for _, r := range ranges {
		for i := r.Lo; i < r.Hi; i++ {
			idx = append(idx, i)
		}
	}
	sub := mat.NewSymDense(len(idx), nil)
	for i, p := range idx {
		for j, q := range idx {
			if j >= i {
				sub.SetSym(i, j, a.At(p, q))
			}
		}
	}
	want := exactSpectrum(t, sub)
	h, m, err := RestrictHVP(matHVP(a, nil), n, ranges)
	if err != nil {
		t.Fatal(err)
	}
	if m != len(idx) {
		t.Fatalf("block dimension %d, want %d", m, len(idx))
	}
	l, err := RunLanczos(h, m, LanczosOptions{Iterations: m, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(l.Ritz[i]-want[i]) > 1e-10*math.Abs(want[len(want)-1]) {
			t.Errorf("block Ritz value %d = %.15g, want %.15g", i, l.Ritz[i], want[i])
		}
	}
	for _, bad := range [][]Range{{{5, 5}}, {{-1, 3}}, {{0, n + 1}}, {{0, 4}, {3, 6}}, nil} {
		if _, _, err := Restrict(matHVP(a, nil).Batch(), n, bad); err == nil {
			t.Errorf("Restrict(%v): no error", bad)
		}
	}
}

func TestHutchinsonTrace(t *testing.T) {
	const n = 200
	ev := seededValues(n, 6, func(rng *rand.Rand) float64 { return math.Exp(3*rng.NormFloat64()) - 1 })
	dense := withSpectrum(ev, 31)
	diag := diagonal(ev)
	t.Run("diagonal matrix is exact", func(t *testing.T) {
		// zᵀDz = tr D for every Rademacher z.
		est, err := HutchinsonTrace(matHVP(diag, nil).Batch(), n, TraceOptions{Probes: 7, Batch: 3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(est.Samples) != 7 {
			t.Errorf("%d samples, want 7", len(est.Samples))
		}
		if !scalar.EqualWithinRel(est.Trace, floats.Sum(ev), 1e-12) || est.StdErr > 1e-9*math.Abs(est.Trace) {
			t.Errorf("trace %.15g ± %g, want %.15g ± 0", est.Trace, est.StdErr, floats.Sum(ev))
		}
	})
	t.Run("dense matrix within three standard errors", func(t *testing.T) {
		for seed := uint64(0); seed < 5; seed++ {
			est, err := HutchinsonTrace(matHVP(dense, nil).Batch(), n, TraceOptions{Probes: 200, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			// Var(zᵀHz) = 2·Σ_{i≠j} H_ij²: the standard error should match it.
			var off float64
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					if i != j {
						off += dense.At(i, j) * dense.At(i, j)
					}
				}
			}
			se := math.Sqrt(2*off) / math.Sqrt(200)
			if math.Abs(est.Trace-floats.Sum(ev)) > 3*est.StdErr {
				t.Errorf("seed %d: trace %g ± %g, want %g", seed, est.Trace, est.StdErr, floats.Sum(ev))
			}
			if est.StdErr < 0.8*se || est.StdErr > 1.2*se {
				t.Errorf("seed %d: standard error %g, theory %g", seed, est.StdErr, se)
			}
		}
	})
	if _, err := HutchinsonTrace(matHVP(diag, nil).Batch(), n, TraceOptions{Probes: 1}); err == nil {
		t.Error("one probe: no error")
	}
}

func TestSpectralDensity(t *testing.T) {
	const n = 150
	ev := seededValues(n, 9, func(rng *rand.Rand) float64 { return 1 + 0.3*rng.NormFloat64() })
	copy(ev, []float64{6, 4, 3, -1.5})
	var m1, m2 float64
	for _, v := range ev {
		m1 += v / n
		m2 += v * v / n
	}
	diag := diagonal(ev)
	t.Run("diagonal matrix has exact moments", func(t *testing.T) {
		d, err := SpectralDensity(matHVP(diag, nil).Batch(), n, DensityOptions{Runs: 3, Iterations: 20, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		if !scalar.EqualWithinRel(d.Moment(1), m1, 1e-10) || !scalar.EqualWithinRel(d.Moment(2), m2, 1e-10) {
			t.Errorf("moments %.15g, %.15g, want %.15g, %.15g", d.Moment(1), d.Moment(2), m1, m2)
		}
	})
	t.Run("dense matrix", func(t *testing.T) {
		a := withSpectrum(ev, 41)
		var count int
		d, err := SpectralDensity(func(vs, outs [][]float64) error {
			if len(vs) != 1000 {
				t.Errorf("batch of %d vectors, want one per run (1000)", len(vs))
			}
			return matHVP(a, &count).Batch()(vs, outs)
		}, n, DensityOptions{Runs: 1000, Iterations: 8, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		if count != 1000*8 {
			t.Errorf("%d products, want %d", count, 1000*8)
		}
		for k, want := range []float64{m1, m2} {
			got, se := d.Moment(k+1), d.MomentStdErr(k+1)
			if math.Abs(got-want) > 0.05*math.Abs(want) || math.Abs(got-want) > 3*se {
				t.Errorf("moment %d = %g ± %g, want %g within 5%% and 3 standard errors", k+1, got, se, want)
			}
		}
		// Ritz values lie within the spectrum.
		for r := range d.Nodes {
			if lo, hi := d.Nodes[r][0], d.Nodes[r][len(d.Nodes[r])-1]; lo < -1.5-1e-9 || hi > 6+1e-9 {
				t.Errorf("run %d: nodes in [%g, %g], outside the spectrum [-1.5, 6]", r, lo, hi)
			}
		}
		grid, dens := d.Curve(2000, 1e-5, 1)
		if len(grid) != 2000 {
			t.Fatalf("%d bins, want 2000", len(grid))
		}
		h := grid[1] - grid[0]
		var mass, mean float64
		for i := range grid {
			mass += dens[i] * h
			mean += grid[i] * dens[i] * h
		}
		if math.Abs(mass-1) > 1e-12 || !scalar.EqualWithinRel(mean, d.Moment(1), 1e-3) {
			t.Errorf("curve mass %g and mean %g, want 1 and %g", mass, mean, d.Moment(1))
		}
		lo, hi := d.Range(1)
		if math.Abs(grid[0]-lo) > 1e-12 || math.Abs(grid[len(grid)-1]-hi) > 1e-12 || lo > -1.6 || hi < 6.9 {
			t.Errorf("grid [%g, %g], range [%g, %g]", grid[0], grid[len(grid)-1], lo, hi)
		}
	})
}

func TestExactDensity(t *testing.T) {
	ev := []float64{3, -1, 0.5, 2}
	d := ExactDensity(ev)
	if got := d.Moment(1); math.Abs(got-1.125) > 1e-15 {
		t.Errorf("mean %g, want 1.125", got)
	}
	if got := d.Moment(2); math.Abs(got-(9+1+0.25+4)/4) > 1e-15 {
		t.Errorf("second moment %g, want %g", got, (9+1+0.25+4)/4)
	}
	// Far apart eigenvalues under a narrow Gaussian: the density at each one is the
	// peak of its own Gaussian, weight 1/4.
	const s2 = 1e-4
	peak := 0.25 / math.Sqrt(2*math.Pi*s2)
	for i, v := range d.At([]float64{-1, 0.5, 2, 3}, s2) {
		if math.Abs(v-peak) > 1e-9*peak {
			t.Errorf("density at eigenvalue %d = %g, want %g", i, v, peak)
		}
	}
	if ev[0] != 3 {
		t.Error("ExactDensity sorted its argument in place")
	}
}
