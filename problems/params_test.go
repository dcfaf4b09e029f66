package problems

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"hw1/problems/records"
)

// numpyPython returns a python3 that imports numpy: the virtual environment of make
// test-deps, else python3 on the PATH, else Debian's /usr/bin/python3; "" when none has
// numpy.
func numpyPython() string {
	candidates := []string{filepath.Join("..", ".deps", "pyenv", "bin", "python3")}
	if py, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, py)
	}
	candidates = append(candidates, "/usr/bin/python3")
	for _, py := range candidates {
		if exec.Command(py, "-c", "import numpy").Run() == nil {
			return py
		}
	}
	return ""
}

// TestParamsRebuildWithNumpy exports the models of a small 2-2 and 3-3 run and
// rebuilds the training loss of one 2-2 end point and one 3-3 model from the .npy
// files and their sidecars with numpy alone (scripts/params_loss.py). The loss must
// match hw1's to 1e-6 relative: the 2-2 loss in records.csv (float64), the 3-3
// sidecar's train_loss_float64, and the float32 training loss of records.csv within
// float32 rounding (1e-4). Without numpy it is skipped, except under CI=true, where it
// fails.
func TestParamsRebuildWithNumpy(t *testing.T) {
	py := numpyPython()
	if py == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 with numpy is missing; CI=true requires it (make test-deps installs it)")
		}
		t.Skip("python3 with numpy is missing (make test-deps installs it)")
	}
	cases := []struct {
		name, problem, model string
		over                 map[string]string
		recorded             func(t *testing.T, tab records.Table, info map[string]float64) (loss float64, float32Loss float64)
	}{
		{
			name: "2-2 end point", problem: "2-2", model: "seed-1--mlp",
			over: map[string]string{"tasks": "sinc", "fn_epochs": "2", "trainings": "1", "phase1_epochs": "30", "phase2_newton": "3", "phase2_steps": "5"},
			recorded: func(t *testing.T, tab records.Table, _ map[string]float64) (float64, float64) {
				rows := tab.Run("seed-1").Model(model22).Split("train").Metric("loss")
				if len(rows) != 1 {
					t.Fatalf("%d loss rows for seed-1", len(rows))
				}
				return rows[0].Value, rows[0].Value
			},
		},
		{
			name: "3-3 model", problem: "3-3", model: "seed-1--batch-128",
			over: map[string]string{"train": "128", "hidden": "16", "seeds": "1", "batches": "128", "pair_batches": "128,128",
				"pair_lr_batch": "128", "step_budget": "3", "alphas": "3", "sharpness_iters": "1", "sensitivity_examples": "10", "subspace": "0"},
			recorded: func(t *testing.T, tab records.Table, info map[string]float64) (float64, float64) {
				rows := tab.Run(records.RunSensitivity).Model("batch-128").Split("train").Metric("loss")
				if len(rows) != 1 {
					t.Fatalf("%d training-loss rows for batch-128", len(rows))
				}
				return info["train_loss_float64"], rows[0].Value
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := testEnv(t, c.over)
			_, tab := mustExecute(t, c.problem, env)
			dir := filepath.Join(env.Dir, records.ParamsDir, c.model)
			info, err := records.ReadParamsInfo(dir)
			if err != nil {
				t.Fatal(err)
			}
			if info.Problem != c.problem || info.Seed != seedFor(env.Seed, 0) || len(info.Layers) == 0 || info.Data.Examples == 0 {
				t.Errorf("sidecar %+v: want problem %s, seed %d, layers and data", info, c.problem, seedFor(env.Seed, 0))
			}
			out, err := exec.Command(py, filepath.Join("..", "scripts", "params_loss.py"), dir, "..").Output()
			if err != nil {
				t.Fatalf("params_loss.py: %v", err)
			}
			var got struct{ Loss float64 }
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v in %s", err, out)
			}
			loss, loss32 := c.recorded(t, tab, info.Metrics)
			if !(loss > 0) || !scalar.EqualWithinRel(got.Loss, loss, 1e-6) {
				t.Errorf("numpy loss %.12g, hw1 recorded %.12g: not within 1e-6 relative", got.Loss, loss)
			}
			if !scalar.EqualWithinRel(got.Loss, loss32, 1e-4) {
				t.Errorf("numpy loss %.12g, records.csv %.12g: not within 1e-4 relative", got.Loss, loss32)
			}
		})
	}
}
