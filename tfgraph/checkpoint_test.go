package tfgraph

import (
	"path/filepath"
	"testing"
)

func TestCheckpointResumesExactly(t *testing.T) {
	data := classification(120, []int{4}, 3, 19)
	cfg := Config{Seed: 8, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}}
	spec := MLP("ckpt", 4, []int{8}, 3, Tanh, CrossEntropy)
	run := func(m *Model, epochs int) float64 {
		var last float64
		for e := 0; e < epochs; e++ {
			r, err := m.TrainEpoch(16, nil)
			if err != nil {
				t.Fatal(err)
			}
			last = r.Loss
		}
		return last
	}
	a := newModel(t, spec, data, nil, cfg)
	run(a, 2)
	prefix := filepath.Join(t.TempDir(), "ckpt")
	if err := a.Save(prefix); err != nil {
		t.Fatal(err)
	}
	want := run(a, 2)
	b := newModel(t, spec, data, nil, Config{Seed: 99, Optimizer: cfg.Optimizer})
	if err := b.Restore(prefix); err != nil {
		t.Fatal(err)
	}
	if b.Steps() != 16 {
		t.Errorf("restored step count %d, want 16", b.Steps())
	}
	if got := run(b, 2); got != want {
		t.Errorf("resumed loss %v, uninterrupted %v", got, want)
	}
	if err := b.Restore(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("restoring a missing checkpoint succeeded")
	}
}

// TestCheckpointNamesAreStable checks the names under which a checkpoint stores the
// variables, which checkpoints written by earlier versions rely on: parameters
// "<kind>_<layer>/kernel|bias", optimizer slots "<parameter>/<slot>" and "step".
func TestCheckpointNamesAreStable(t *testing.T) {
	img := []int{6, 6, 1}
	cnn := Spec{Name: "cnn", Input: img, Layers: []Layer{Conv2D{Filters: 2, Kernel: 3, Activation: ReLU}, MaxPool2D{Size: 2}, Flatten{}, Dense{Units: 2}}}
	cases := []struct {
		name string
		spec Spec
		data *Data
		opt  Optimizer
		want []string
	}{
		{"sgd mlp", MLP("sgd", 2, []int{3}, 1, Tanh, MSE), regression(8, 2, 1, sinSum), Optimizer{},
			[]string{"dense_0/kernel", "dense_0/bias", "dense_1/kernel", "dense_1/bias", "step"}},
		{"momentum mlp", MLP("momentum", 2, []int{3}, 1, Tanh, MSE), regression(8, 2, 1, sinSum), Optimizer{Kind: Momentum},
			[]string{"dense_0/kernel", "dense_0/bias", "dense_1/kernel", "dense_1/bias",
				"dense_0/kernel/momentum", "dense_0/bias/momentum", "dense_1/kernel/momentum", "dense_1/bias/momentum", "step"}},
		{"adam cnn", cnn, classification(4, img, 2, 1), Optimizer{Kind: Adam},
			[]string{"conv2d_0/kernel", "conv2d_0/bias", "dense_3/kernel", "dense_3/bias",
				"conv2d_0/kernel/m", "conv2d_0/kernel/v", "conv2d_0/bias/m", "conv2d_0/bias/v",
				"dense_3/kernel/m", "dense_3/kernel/v", "dense_3/bias/m", "dense_3/bias/v", "step"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newModel(t, c.spec, c.data, nil, Config{Optimizer: c.opt})
			vars := m.stateVars()
			if len(vars) != len(c.want) {
				t.Fatalf("%d checkpoint variables, want %d", len(vars), len(c.want))
			}
			for i, v := range vars {
				if v.name != c.want[i] {
					t.Errorf("variable %d is %q, want %q", i, v.name, c.want[i])
				}
			}
		})
	}
}
