package problems

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings11 are the settings of problem 1-1.
type settings11 struct {
	// Functions are the targets, from data.FunctionNames.
	Functions []string `set:"functions"`
	// Depths are the numbers of hidden layers of the models compared.
	Depths []int `set:"depths"`
	// Params is the parameter budget every model's width is chosen to meet.
	Params int `set:"params"`
	// Activation of the hidden layers.
	Activation string `set:"activation"`
	// Points is the number of evenly spaced training points on [Lo, Hi].
	Points int     `set:"points"`
	Lo     float64 `set:"lo"`
	Hi     float64 `set:"hi"`
	// Grid is the number of points of the dense prediction grid.
	Grid int `set:"grid"`
	// Optimizer, LearningRate, Epochs and Batch set the training.
	Optimizer    string  `set:"optimizer"`
	LearningRate float64 `set:"lr"`
	Epochs       int     `set:"epochs"`
	Batch        int     `set:"batch"`
	// StepsPerRun is the number of training steps per session run; 0 lets the engine
	// choose from the model's size (tfgraph.Config.StepsPerRun).
	StepsPerRun int `set:"steps_per_run"`
}

func defaults11(p Profile) any {
	s := &settings11{
		Functions: []string{"sinc", "sign"}, Depths: []int{1, 2, 4, 7}, Params: 600, Activation: "tanh",
		Points: 300, Lo: -1, Hi: 1, Grid: 1000,
		Optimizer: "adam", LearningRate: 3e-3, Epochs: 1200, Batch: 50,
	}
	if p == Full {
		s.Functions = []string{"sinc", "sign", "sin"}
		s.Epochs = 10000
	}
	return s
}

func init() {
	register(Problem{
		Name:     records.Problem11,
		Title:    "Simulate a function",
		Question: "With the same number of parameters, does a deep network fit a 1-D function better than a shallow one?",
		Defaults: defaults11,
		Run:      run11,
		Answer:   answer11,
	})
}

// widthFor returns the hidden width w of a 1-w-...-w-1 network with depth hidden
// layers whose parameter count is closest to target.
func widthFor(depth, target int) int {
	best, bestDiff := 1, math.MaxInt
	for w := 1; w <= 4*target; w++ {
		n := mlpParams(1, depth, w, 1)
		if d := abs(n - target); d < bestDiff {
			best, bestDiff = w, d
		}
		if n > 2*target {
			break
		}
	}
	return best
}

// mlpParams counts the parameters of an in-w-...-w-out network with depth hidden layers.
func mlpParams(in, depth, w, out int) int {
	return (in+1)*w + (depth-1)*(w+1)*w + (w+1)*out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// models11 returns the specs of 1-1, one per depth, sized to the same budget.
func models11(s *settings11) ([]tfgraph.Spec, error) {
	act := tfgraph.Activation(s.Activation)
	var specs []tfgraph.Spec
	for _, d := range s.Depths {
		if d < 1 {
			return nil, fmt.Errorf("problems: 1-1: depth %d must be at least 1", d)
		}
		w := widthFor(d, s.Params)
		hidden := make([]int, d)
		for i := range hidden {
			hidden[i] = w
		}
		specs = append(specs, tfgraph.MLP(fmt.Sprintf("depth-%d", d), 1, hidden, 1, act, tfgraph.MSE))
	}
	return specs, nil
}

func run11(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings11](env, rec, defaults11)
	if err != nil {
		return err
	}
	opt, err := tfgraph.ParseOptimizer(s.Optimizer)
	if err != nil {
		return err
	}
	specs, err := models11(s)
	if err != nil {
		return err
	}
	counts := make([]int, len(specs))
	for i, sp := range specs {
		if counts[i], err = sp.NumParams(); err != nil {
			return err
		}
		env.log().Info("model", "name", sp.Name, "params", counts[i])
	}
	rec.DatasetInfo(strings.Join(s.Functions, ","), fmt.Sprintf("%d points on [%g, %g]", s.Points, s.Lo, s.Hi), s.Points, s.Grid)
	for fi, fn := range s.Functions {
		x, y, err := data.Function(fn, s.Points, s.Lo, s.Hi)
		if err != nil {
			return fmt.Errorf("problems: 1-1: %w", err)
		}
		gx, gy, err := data.Function(fn, s.Grid, s.Lo, s.Hi)
		if err != nil {
			return fmt.Errorf("problems: 1-1: %w", err)
		}
		train := &tfgraph.Data{X: x, Shape: []int{1}, Targets: y}
		if env.Resume {
			if err := rec.dropFrom(fn, records.ModelTruth, -1); err != nil {
				return err
			}
		}
		for i := range gx {
			if err := addXY(rec, fn, records.ModelTruth, i, float64(gx[i]), float64(gy[i])); err != nil {
				return err
			}
		}
		for mi, spec := range specs {
			seed := seedFor(env.Seed, fi*100+mi)
			rec.Seed(seed)
			final, err := train11(ctx, env, rec, s, spec, train, gx, fn, seed, opt)
			if err != nil {
				return err
			}
			if err := rec.Add(fn, spec.Name, "train", NoStep, NoEpoch, "params", float64(counts[mi])); err != nil {
				return err
			}
			if err := rec.Add(fn, spec.Name, "train", NoStep, NoEpoch, "final_loss", final); err != nil {
				return err
			}
			rec.Summary(fmt.Sprintf("%s/%s/final_loss", fn, spec.Name), final)
			rec.Summary(fmt.Sprintf("%s/params", spec.Name), float64(counts[mi]))
			if err := rec.Flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// train11 trains one model on one function and writes its predictions on the grid.
func train11(ctx context.Context, env *Env, rec *Recorder, s *settings11, spec tfgraph.Spec, train *tfgraph.Data, grid []float32, fn string, seed uint64, opt tfgraph.OptimizerKind) (float64, error) {
	m, err := tfgraph.New(spec, train, nil, tfgraph.Config{
		Seed: seed, Session: env.session(), StepsPerRun: s.StepsPerRun,
		Optimizer: tfgraph.Optimizer{Kind: opt, LearningRate: s.LearningRate},
	})
	if err != nil {
		return 0, err
	}
	defer m.Close()
	if _, err := fit(ctx, env, rec, m, fitOptions{Run: fn, Model: spec.Name, Epochs: s.Epochs, Batch: s.Batch}); err != nil {
		return 0, err
	}
	final, _, err := m.Evaluate(tfgraph.Train)
	if err != nil {
		return 0, err
	}
	pred, err := m.Predict(grid)
	if err != nil {
		return 0, err
	}
	for i := range grid {
		if err := addXY(rec, fn, spec.Name, i, float64(grid[i]), pred[i]); err != nil {
			return 0, err
		}
	}
	return final, nil
}

func addXY(rec *Recorder, run, model string, i int, x, y float64) error {
	if err := rec.Add(run, model, "grid", i, NoEpoch, "x", x); err != nil {
		return err
	}
	return rec.Add(run, model, "grid", i, NoEpoch, "y", y)
}

// answer11 says which depth fit each function best, from the measured final losses.
func answer11(res RunResult) string {
	sum := res.Manifest.Summary
	byFn := map[string][][2]any{}
	for k, v := range sum {
		parts := strings.Split(k, "/")
		if len(parts) == 3 && parts[2] == "final_loss" {
			byFn[parts[0]] = append(byFn[parts[0]], [2]any{parts[1], v})
		}
	}
	fns := make([]string, 0, len(byFn))
	for f := range byFn {
		fns = append(fns, f)
	}
	sort.Strings(fns)
	var b strings.Builder
	for _, f := range fns {
		ms := byFn[f]
		sort.Slice(ms, func(i, j int) bool { return ms[i][1].(float64) < ms[j][1].(float64) })
		best, worst := ms[0], ms[len(ms)-1]
		ratio := worst[1].(float64) / math.Max(best[1].(float64), 1e-300)
		if ratio < 1.1 {
			fmt.Fprintf(&b, "On %s every depth ends at about the same training MSE (%.3g to %.3g). ", f, best[1], worst[1])
			continue
		}
		fmt.Fprintf(&b, "On %s the best fit is %s (final training MSE %.3g) and the worst %s (%.3g), %.1f times higher. ",
			f, best[0], best[1], worst[0], worst[1], ratio)
	}
	var counts []string
	for k, v := range sum {
		if strings.HasSuffix(k, "/params") {
			counts = append(counts, fmt.Sprintf("%s %d", strings.TrimSuffix(k, "/params"), int(v)))
		}
	}
	sort.Strings(counts)
	fmt.Fprintf(&b, "Parameter counts: %s.", strings.Join(counts, ", "))
	return b.String()
}
