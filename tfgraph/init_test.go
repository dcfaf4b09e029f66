package tfgraph

import (
	"math"
	"testing"
)

// TestInitialParamsRejectsBadInput checks that an invalid spec or an unknown
// initialiser is an error, not a nil vector.
func TestInitialParamsRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		spec Spec
		init Init
	}{
		{"no layers", Spec{Name: "empty", Input: []int{3}}, Auto},
		{"dense without units", Spec{Name: "zero", Input: []int{3}, Layers: []Layer{Dense{}}}, Auto},
		{"dense on an image", Spec{Name: "img", Input: []int{4, 4, 1}, Layers: []Layer{Dense{Units: 2}}}, Auto},
		{"unknown activation", MLP("act", 3, []int{4}, 2, "swish", MSE), Auto},
		{"unknown initialiser", MLP("init", 3, []int{4}, 2, ReLU, MSE), "lecun"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			flat, err := InitialParams(c.spec, c.init, 1)
			if err == nil {
				t.Fatalf("InitialParams returned %d values and no error", len(flat))
			}
			if flat != nil {
				t.Errorf("InitialParams returned %d values with error %v", len(flat), err)
			}
		})
	}
}

// TestInitialParamsFollowsTheInitialiser checks every parameter tensor against the
// limits of its initialiser, computed here from the fans of its shape: kernels lie in
// ±limit and reach close to it, biases are zero, and the same seed gives the same
// vector bit for bit while another seed does not.
func TestInitialParamsFollowsTheInitialiser(t *testing.T) {
	cnn := Spec{Name: "cnn", Input: []int{8, 8, 2}, Layers: []Layer{
		Conv2D{Filters: 4, Kernel: 3, Activation: ReLU}, MaxPool2D{Size: 2}, Flatten{}, Dense{Units: 3, Activation: Tanh},
	}}
	glorot := func(in, out int) float64 { return math.Sqrt(6 / float64(in+out)) }
	he := func(in, _ int) float64 { return math.Sqrt(6 / float64(in)) }
	cases := []struct {
		name  string
		spec  Spec
		init  Init
		limit []func(in, out int) float64 // per kernel, in layer order
		fans  [][2]int                    // fan-in and fan-out per kernel
	}{
		{"auto relu mlp", MLP("relu", 30, []int{40}, 5, ReLU, CrossEntropy), Auto,
			[]func(int, int) float64{he, glorot}, [][2]int{{30, 40}, {40, 5}}},
		{"auto tanh mlp", MLP("tanh", 30, []int{40}, 5, Tanh, MSE), Auto,
			[]func(int, int) float64{glorot, glorot}, [][2]int{{30, 40}, {40, 5}}},
		{"he everywhere", MLP("he", 30, []int{40}, 5, Tanh, MSE), HeUniform,
			[]func(int, int) float64{he, he}, [][2]int{{30, 40}, {40, 5}}},
		{"glorot relu", MLP("glorot", 30, []int{40}, 5, ReLU, MSE), GlorotUniform,
			[]func(int, int) float64{glorot, glorot}, [][2]int{{30, 40}, {40, 5}}},
		{"auto cnn", cnn, Auto,
			[]func(int, int) float64{he, glorot}, [][2]int{{3 * 3 * 2, 3 * 3 * 4}, {3 * 3 * 4, 3}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			flat, err := InitialParams(c.spec, c.init, 7)
			if err != nil {
				t.Fatal(err)
			}
			params, _, err := c.spec.Check()
			if err != nil {
				t.Fatal(err)
			}
			n, _ := c.spec.NumParams()
			if len(flat) != n {
				t.Fatalf("%d values, spec has %d parameters", len(flat), n)
			}
			kernel := 0
			for _, p := range params {
				vals := flat[p.Offset : p.Offset+p.Size]
				if len(p.Shape) == 1 {
					for i, v := range vals {
						if v != 0 {
							t.Fatalf("%s[%d] = %g, want 0", p.Name, i, v)
						}
					}
					continue
				}
				limit := c.limit[kernel](c.fans[kernel][0], c.fans[kernel][1])
				kernel++
				var peak float64
				for i, v := range vals {
					if math.Abs(v) > limit {
						t.Fatalf("%s[%d] = %g outside ±%g", p.Name, i, v, limit)
					}
					peak = math.Max(peak, math.Abs(v))
				}
				// Of k uniform draws, the largest |v| is below 0.8·limit with
				// probability 0.8^k (k >= 72 here, so below 1e-7).
				if peak < 0.8*limit {
					t.Errorf("%s: largest |value| %g, want close to the limit %g", p.Name, peak, limit)
				}
			}
			again, err := InitialParams(c.spec, c.init, 7)
			if err != nil {
				t.Fatal(err)
			}
			other, err := InitialParams(c.spec, c.init, 8)
			if err != nil {
				t.Fatal(err)
			}
			same := true
			for i := range flat {
				if math.Float64bits(again[i]) != math.Float64bits(flat[i]) {
					t.Fatalf("seed 7 gave %g then %g at %d", flat[i], again[i], i)
				}
				same = same && other[i] == flat[i]
			}
			if same {
				t.Error("seeds 7 and 8 gave the same vector")
			}
		})
	}
}

// TestModelStartsFromInitialParams checks that New sets the parameters InitialParams
// draws for its seed.
func TestModelStartsFromInitialParams(t *testing.T) {
	spec := MLP("start", 3, []int{5}, 2, Sigmoid, CrossEntropy)
	m := newModel(t, spec, classification(20, []int{3}, 2, 4), nil, Config{DType: Float64, Seed: 21, Init: HeUniform})
	got, err := m.GetParams()
	if err != nil {
		t.Fatal(err)
	}
	want, err := InitialParams(spec, HeUniform, 21)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("θ[%d] = %g, InitialParams gives %g", i, got[i], want[i])
		}
	}
	if _, err := New(spec, classification(20, []int{3}, 2, 4), nil, Config{Init: "lecun", Session: testSession}); err == nil {
		t.Error("New accepted an unknown initialiser")
	}
}
