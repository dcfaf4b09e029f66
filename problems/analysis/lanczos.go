package analysis

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// HVP computes out = H·v for a symmetric operator H, such as the Hessian of a loss:
// v and out have the operator's dimension, and out is overwritten.
type HVP func(v, out []float64) error

// BatchHVP computes outs[i] = H·vs[i] for every i, for an engine that applies H to
// several vectors at once (one session run for many Hessian-vector products).
type BatchHVP func(vs, outs [][]float64) error

// Batch returns a BatchHVP that applies h to one vector after the other.
func (h HVP) Batch() BatchHVP {
	return func(vs, outs [][]float64) error {
		for i := range vs {
			if err := h(vs[i], outs[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// Range is the half-open index range [Lo, Hi) of a block of parameters in a flat
// vector, such as one layer's kernel and bias.
type Range struct{ Lo, Hi int }

// blockIndex lists the indices of the ranges in order and checks them against n.
func blockIndex(n int, ranges []Range) ([]int, error) {
	var idx []int
	seen := make(map[int]bool)
	for _, r := range ranges {
		if r.Lo < 0 || r.Hi > n || r.Lo >= r.Hi {
			return nil, fmt.Errorf("analysis: block range [%d, %d) is empty or outside [0, %d)", r.Lo, r.Hi, n)
		}
		for i := r.Lo; i < r.Hi; i++ {
			if seen[i] {
				return nil, fmt.Errorf("analysis: block ranges overlap at index %d", i)
			}
			seen[i] = true
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, errors.New("analysis: no block ranges")
	}
	return idx, nil
}

// Restrict returns the operator H restricted to a block of parameters, the principal
// submatrix H[B, B] of the indices B in ranges (in the order given), applied through
// h on vectors of the full dimension n, and the block's dimension. For a layer's
// block this is the layer's Hessian, whose spectrum and trace are what PyHessian's
// users ask for per layer.
func Restrict(h BatchHVP, n int, ranges []Range) (BatchHVP, int, error) {
	idx, err := blockIndex(n, ranges)
	if err != nil {
		return nil, 0, err
	}
	f := func(vs, outs [][]float64) error {
		full := make([][]float64, len(vs))
		fout := make([][]float64, len(vs))
		for k, v := range vs {
			full[k] = make([]float64, n)
			fout[k] = make([]float64, n)
			for j, i := range idx {
				full[k][i] = v[j]
			}
		}
		if err := h(full, fout); err != nil {
			return err
		}
		for k := range outs {
			for j, i := range idx {
				outs[k][j] = fout[k][i]
			}
		}
		return nil
	}
	return f, len(idx), nil
}

// RestrictHVP is Restrict for an operator that applies to one vector at a time.
func RestrictHVP(h HVP, n int, ranges []Range) (HVP, int, error) {
	b, m, err := Restrict(h.Batch(), n, ranges)
	if err != nil {
		return nil, 0, err
	}
	return func(v, out []float64) error { return b([][]float64{v}, [][]float64{out}) }, m, nil
}

// LanczosOptions sets up a Lanczos run. The zero value runs min(n, 60) iterations
// from a start vector drawn with seed 0.
type LanczosOptions struct {
	// Iterations is the number of operator products, at most n; 0 means min(n, 60).
	Iterations int
	// Seed seeds the Gaussian start vector and the restarts after an invariant
	// subspace is found.
	Seed uint64
}

// Lanczos holds the result of the Lanczos method with full reorthogonalisation: the
// tridiagonal matrix T = QᵀHQ of an orthonormal Krylov basis Q, and its eigenvalues
// (the Ritz values), ascending.
type Lanczos struct {
	Alpha []float64 // diagonal of T
	Beta  []float64 // off-diagonal of T, one shorter than Alpha
	// Ritz holds the eigenvalues of T, ascending. The largest and smallest converge
	// first to the extreme eigenvalues of H.
	Ritz []float64
	// Weights holds the squared first components of T's eigenvectors, in the order of
	// Ritz: the weights of the Gauss quadrature rule of the start vector. They sum to 1.
	Weights []float64
	// Products is the number of operator products used.
	Products int
}

// RunLanczos runs the Lanczos method on the symmetric operator h of dimension n with
// full reorthogonalisation (twice, against every basis vector), from a Gaussian start
// vector drawn from o.Seed. When the Krylov space becomes invariant before
// o.Iterations, the method continues from a random vector orthogonal to the basis
// (β = 0), so that n iterations return the whole spectrum with multiplicities.
func RunLanczos(h HVP, n int, o LanczosOptions) (*Lanczos, error) {
	if n < 1 {
		return nil, fmt.Errorf("analysis: Lanczos on an operator of dimension %d", n)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x1a2c05))
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	ls, err := lanczosRuns(h.Batch(), n, [][]float64{v}, o.Iterations, rng, true)
	if err != nil {
		return nil, err
	}
	return ls[0], nil
}

// lanczosState is one Lanczos run in progress.
type lanczosState struct {
	l     *Lanczos
	basis [][]float64
	q     []float64 // the next basis vector; nil once the run has stopped
}

// lanczosRuns runs independent Lanczos iterations from each start vector (not
// necessarily normalised) in lockstep, so that each iteration applies h once to the
// vectors of all runs still going. With restart, an invariant subspace is left for a
// random orthogonal vector (β = 0); without, that run stops there, as the Gauss
// quadrature of its start vector is then exact.
func lanczosRuns(h BatchHVP, n int, starts [][]float64, iters int, rng *rand.Rand, restart bool) ([]*Lanczos, error) {
	if n < 1 {
		return nil, fmt.Errorf("analysis: Lanczos on an operator of dimension %d", n)
	}
	if iters <= 0 {
		iters = 60
	}
	iters = min(iters, n)
	runs := make([]*lanczosState, len(starts))
	for r, start := range starts {
		if len(start) != n {
			return nil, fmt.Errorf("analysis: Lanczos start vector of %d values for dimension %d", len(start), n)
		}
		q := append([]float64(nil), start...)
		nrm := floats.Norm(q, 2)
		if !(nrm > 0) || math.IsInf(nrm, 0) {
			return nil, errors.New("analysis: Lanczos start vector is zero or not finite")
		}
		floats.Scale(1/nrm, q)
		runs[r] = &lanczosState{l: &Lanczos{}, basis: make([][]float64, 0, iters), q: q}
	}
	for j := 0; j < iters; j++ {
		var active []*lanczosState
		var vs, ws [][]float64
		for _, st := range runs {
			if st.q != nil {
				active = append(active, st)
				vs = append(vs, st.q)
				ws = append(ws, make([]float64, n))
			}
		}
		if len(active) == 0 {
			break
		}
		if err := h(vs, ws); err != nil {
			return nil, err
		}
		for k, st := range active {
			if err := st.step(ws[k], j == iters-1, rng, restart); err != nil {
				return nil, err
			}
		}
	}
	out := make([]*Lanczos, len(runs))
	for r, st := range runs {
		if err := st.l.solve(); err != nil {
			return nil, err
		}
		out[r] = st.l
	}
	return out, nil
}

// step takes w = H·q for the run's current vector q, extends T and sets the next
// vector (nil when the run stops: at its last iteration, or at an invariant subspace
// without restart).
func (st *lanczosState) step(w []float64, last bool, rng *rand.Rand, restart bool) error {
	l, q := st.l, st.q
	st.basis = append(st.basis, q)
	st.q = nil
	l.Products++
	a := floats.Dot(w, q)
	if math.IsNaN(a) || math.IsInf(a, 0) {
		return fmt.Errorf("analysis: Lanczos: operator product %d is not finite", l.Products)
	}
	l.Alpha = append(l.Alpha, a)
	if last {
		return nil
	}
	orthogonalize(w, st.basis)
	b := floats.Norm(w, 2)
	scale := 0.0
	for _, x := range l.Alpha {
		scale = math.Max(scale, math.Abs(x))
	}
	for _, x := range l.Beta {
		scale = math.Max(scale, x)
	}
	if b == 0 || b <= 1e-10*scale {
		if !restart {
			return nil
		}
		// Invariant subspace: carry on from a random vector orthogonal to it.
		if st.q = randomOrthogonal(rng, st.basis, len(w)); st.q != nil {
			l.Beta = append(l.Beta, 0)
		}
		return nil
	}
	l.Beta = append(l.Beta, b)
	st.q = make([]float64, len(w))
	floats.ScaleTo(st.q, 1/b, w)
	return nil
}

// randomOrthogonal returns a random unit vector orthogonal to the basis, or nil when
// five draws found none (the basis spans the space, to rounding).
func randomOrthogonal(rng *rand.Rand, basis [][]float64, n int) []float64 {
	w := make([]float64, n)
	for try := 0; try < 5; try++ {
		for i := range w {
			w[i] = rng.NormFloat64()
		}
		orthogonalize(w, basis)
		if nw := floats.Norm(w, 2); nw > 1e-8 {
			floats.Scale(1/nw, w)
			return w
		}
	}
	return nil
}

// orthogonalize removes from w its components along the orthonormal basis, twice
// ("twice is enough", Parlett).
func orthogonalize(w []float64, basis [][]float64) {
	for pass := 0; pass < 2; pass++ {
		for _, b := range basis {
			floats.AddScaled(w, -floats.Dot(w, b), b)
		}
	}
}

// solve diagonalises T with gonum's symmetric eigensolver.
func (l *Lanczos) solve() error {
	m := len(l.Alpha)
	t := mat.NewSymDense(m, nil)
	for i, a := range l.Alpha {
		t.SetSym(i, i, a)
		if i+1 < m {
			t.SetSym(i, i+1, l.Beta[i])
		}
	}
	var es mat.EigenSym
	if !es.Factorize(t, true) {
		return errors.New("analysis: eigendecomposition of the Lanczos matrix did not converge")
	}
	l.Ritz = es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	l.Weights = make([]float64, m)
	for i := range l.Weights {
		l.Weights[i] = vecs.At(0, i) * vecs.At(0, i)
	}
	return nil
}

// Extremes returns the k largest Ritz values, descending, and the k smallest,
// ascending (fewer when the run was shorter than k).
func (l *Lanczos) Extremes(k int) (top, bottom []float64) {
	k = min(k, len(l.Ritz))
	r := l.Ritz
	top = make([]float64, k)
	for i := range top {
		top[i] = r[len(r)-1-i]
	}
	bottom = append([]float64(nil), r[:k]...)
	return top, bottom
}

// ExtremeEigenvalues estimates the k largest eigenvalues (descending) and the k
// smallest (ascending) of the symmetric operator h of dimension n by the Lanczos method
// with full reorthogonalisation (see RunLanczos). With o.Iterations = n they are exact
// to rounding; with fewer, the extreme ones converge first, the more so the larger
// their gaps.
func ExtremeEigenvalues(h HVP, n, k int, o LanczosOptions) (top, bottom []float64, err error) {
	if k < 1 || k > n {
		return nil, nil, fmt.Errorf("analysis: %d extreme eigenvalues of an operator of dimension %d", k, n)
	}
	if o.Iterations == 0 {
		o.Iterations = min(n, max(60, 3*k))
	}
	if o.Iterations < k {
		return nil, nil, fmt.Errorf("analysis: %d Lanczos iterations cannot give %d eigenvalues", o.Iterations, k)
	}
	l, err := RunLanczos(h, n, o)
	if err != nil {
		return nil, nil, err
	}
	top, bottom = l.Extremes(k)
	return top, bottom, nil
}
