package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hw1/plots"
	"hw1/problems/records"
)

// fixture writes a results folder like the one hw1 leaves: a problem that ran, with
// real figures drawn by package plots; one that failed; one that was interrupted; and
// one that never ran. It returns the folder and the report's sections.
func fixture(t *testing.T) (string, []Section) {
	t.Helper()
	out := t.TempDir()
	start := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	man := func(problem string, status records.Status, errMsg string, wall float64) *records.Manifest {
		return &records.Manifest{
			Problem: problem, Profile: "quick", Status: status, Error: errMsg,
			Settings:   map[string]any{"epochs": 2000.0, "batch": 128, "lr": 0.001, "depths": []int{1, 2, 7}, "activation": "relu"},
			Seeds:      []int64{11, 12},
			Dataset:    records.Dataset{Name: "digits", Source: "embedded", Train: 8000, Test: 2000},
			TensorFlow: records.TensorFlow{Version: "2.15.1", Library: "/opt/tf/lib/libtensorflow.so.2"},
			Device:     "cpu", Threads: 2, HW1Version: "0.1.0-test",
			Start: start, End: start.Add(time.Duration(wall * float64(time.Second))), WallSecs: wall,
			Summary: flatSummary(map[string]float64{}),
		}
	}

	ok := man("1-1", records.StatusOK, "", 83.4)
	ok.Dataset = records.Dataset{Name: "functions", Source: "sinc and sign on [-1, 1]", Train: 512}
	ok.Seeds = []int64{101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112}
	ok.Summary = flatSummary(map[string]float64{
		"sinc/deep-7/final_loss": 0.000123, "sinc/deep-7/params": 571,
		"sinc/shallow-1/final_loss": 0.0412, "sinc/shallow-1/params": 571,
		"sign/deep-7/final_loss": 0.0031, "sign/deep-7/params": 571,
		"sign/shallow-1/final_loss": 0.091, "sign/shallow-1/params": 571,
		"trainings": 4, "best_ratio": math.NaN(),
	})
	ok.Notes = []string{"The grid has 1,000 points between -1 and 1."}
	figs := []plots.Drawn{
		drawLine(t, filepath.Join(out, "1-1"), "loss-sinc", "Training loss (MSE, log scale) of every model against epoch when fitting sinc."),
		drawLine(t, filepath.Join(out, "1-1"), "loss-sign", "Training loss (MSE, log scale) of every model against epoch when fitting sign."),
	}

	failed := man("2-2", records.StatusFailed, "tfgraph: loss diverged at step 12 (loss NaN)", 4.2)
	failed.Summary = flatSummary(map[string]float64{"gradnorm-digits/iterations": 40})

	interrupted := man("3-1", records.StatusInterrupted, "interrupted", 1900)
	interrupted.Summary = flatSummary(map[string]float64{"random/epochs": 12, "random/train_accuracy": 0.31, "true/epochs": 12, "true/train_accuracy": 0.97})
	ifigs := []plots.Drawn{drawLine(t, filepath.Join(out, "3-1"), "random-labels", "Train and test loss against epoch with random labels.")}

	return out, []Section{
		{
			Problem: "1-1", Title: "Simulate a function", Question: "Does a deep network fit a function better than a shallow one with the same number of parameters?",
			Answer: "On sinc the best fit is deep-7 (final training MSE 0.000123) and the worst shallow-1 (0.0412).\n\nOn sign the best fit is deep-7 (0.0031).",
			Dir:    filepath.Join(out, "1-1"), Manifest: ok, Figures: figs,
		},
		{
			Problem: "2-2", Title: "Observe gradient norm during training", Question: "How does the gradient norm move while the loss falls?",
			Dir: filepath.Join(out, "2-2"), Manifest: failed,
			Err: "plots: 2-2: figure minimal-ratio: missing records: no minimal_ratio rows",
		},
		{
			Problem: "3-1", Title: "Can a network fit random labels?", Question: "Can a network fit random labels, and how long does it take?",
			Dir: filepath.Join(out, "3-1"), Manifest: interrupted, Figures: ifigs,
		},
		{
			Problem: "3-3", Title: "Flatness versus generalization", Question: "Are models trained with larger batches sharper?",
			Dir: filepath.Join(out, "3-3"),
			Err: fmt.Sprintf("no manifest.json in %s: run hw1 run 3-3", filepath.Join(out, "3-3")),
		},
	}
}

// drawLine draws a small line chart into dir/figures/name.{png,svg}, as DrawFigures does.
func drawLine(t *testing.T, dir, name, caption string) plots.Drawn {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "figures"), 0o755); err != nil {
		t.Fatal(err)
	}
	var series []plots.Series
	for k, label := range []string{"deep-7 (571 params)", "shallow-1 (571 params)"} {
		s := plots.Series{Label: label}
		for e := 1; e <= 200; e++ {
			s.X = append(s.X, float64(e))
			s.Y = append(s.Y, math.Exp(-float64(e)/float64(40*(k+1)))+0.001*float64(k+1))
		}
		series = append(series, s)
	}
	f, err := plots.LineChart(plots.Axes{Title: name, X: "epoch", Y: "training loss", LogY: true}, series...)
	if err != nil {
		t.Fatal(err)
	}
	files, err := f.Save(filepath.Join(dir, "figures", name))
	if err != nil {
		t.Fatal(err)
	}
	return plots.Drawn{FigureInfo: plots.FigureInfo{Name: name, Caption: caption}, Files: files}
}

// flatSummary returns the JSON of a flat summary, as problems without a typed summary
// and schema-1 manifests store it.
func flatSummary(m map[string]float64) json.RawMessage {
	raw, err := records.EncodeSummary(m)
	if err != nil {
		panic(err) // a map of numbers always encodes
	}
	return raw
}
