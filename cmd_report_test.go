package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hw1/plots"
	"hw1/problems"
	"hw1/problems/records"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	// 1-2 ran: records of two models on the digits, and their final numbers.
	ran := runManifest("1-2", records.StatusOK, 60)
	ran.Settings = map[string]any{"epochs": 3.0, "tasks": []any{"default"}}
	ran.Summary = flatSummary(map[string]float64{
		"digits/cnn-2/test_accuracy": 0.9, "digits/cnn-2/params": 1000, "digits/cnn-2/train_loss": 0.2,
		"digits/dnn/test_accuracy": 0.85, "digits/dnn/params": 1100, "digits/dnn/train_loss": 0.3,
	})
	writeManifest(t, dir, ran)
	w, err := records.Create(filepath.Join(dir, "1-2", "records.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"cnn-2", "dnn"} {
		for e := 1; e <= 3; e++ {
			for _, r := range []records.Row{
				{Run: "digits", Model: model, Split: "train", Step: e, Epoch: float64(e), Metric: "loss", Value: 1 / float64(e)},
				{Run: "digits", Model: model, Split: "train", Step: e, Epoch: float64(e), Metric: "accuracy", Value: 0.3 * float64(e)},
			} {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := w.Write(records.Row{Run: "digits", Model: model, Split: "test", Step: 3, Epoch: 3, Metric: "accuracy", Value: 0.85}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// 1-1 failed before writing records.
	failed := runManifest("1-1", records.StatusFailed, 1)
	failed.Error = "problems: 1-1: model diverged"
	writeManifest(t, dir, failed)

	var out bytes.Buffer
	if err := commandApp(&out, "report").Run([]string{"hw1", "report", "--out", dir}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	htmlPath, mdPath := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.md")
	if got := strings.Fields(out.String()); strings.Join(got, " ") != htmlPath+" "+mdPath {
		t.Errorf("printed %q", got)
	}
	b, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	status := regexp.MustCompile(`data-problem="([^"]+)" data-status="([^"]+)"`)
	got := map[string]string{}
	for _, m := range status.FindAllStringSubmatch(page, -1) {
		got[m[1]] = m[2]
	}
	for _, p := range problems.All() {
		want := "not run"
		switch p.Name {
		case "1-1":
			want = "failed"
		case "1-2":
			want = "ok"
		}
		if got[p.Name] != want {
			t.Errorf("%s: status %q, want %q", p.Name, got[p.Name], want)
		}
		if !strings.Contains(page, p.Question) {
			t.Errorf("%s: question missing", p.Name)
		}
	}
	if len(got) != len(problems.All()) {
		t.Errorf("%d sections, want %d", len(got), len(problems.All()))
	}
	for _, want := range []string{
		"problems: 1-1: model diverged", "no records.csv in " + filepath.Join(dir, "1-1"),
		`src="1-2/figures/loss-digits.png"`, `src="1-2/figures/accuracy-digits.png"`,
		"no manifest.json in " + filepath.Join(dir, "2-1"),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<span class="label">Answer.</span>[^<]*cnn-2`).MatchString(page) {
		t.Error("1-2 has no answer from its numbers")
	}
	for _, f := range []string{"loss-digits.png", "accuracy-digits.png"} {
		if _, err := os.Stat(filepath.Join(dir, "1-2", "figures", f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(mdPath); err != nil {
		t.Error(err)
	}
}

func TestReportCommandUsage(t *testing.T) {
	var out bytes.Buffer
	err := commandApp(&out, "report").Run([]string{"hw1", "report", "--out", filepath.Join(t.TempDir(), "none")})
	var u usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "no results folder") {
		t.Errorf("err = %v, want a usage error naming the missing folder", err)
	}
}

func TestSafeAnswer(t *testing.T) {
	res := problems.RunResult{Manifest: &records.Manifest{Summary: flatSummary(map[string]float64{})}}
	p := problems.Problem{Name: "x", Answer: func(problems.RunResult) string { return "  measured 3.\n" }}
	if a, err := safeAnswer(p, res); a != "measured 3." || err != nil {
		t.Errorf("safeAnswer = %q, %v", a, err)
	}
	p.Answer = func(r problems.RunResult) string {
		var xs []float64
		return strings.Repeat("x", int(xs[len(r.Manifest.Summary)])) // index out of range
	}
	if a, err := safeAnswer(p, res); a != "" || err == nil || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("safeAnswer = %q, %v; want the panic as an error", a, err)
	}
}

func TestFigureNames(t *testing.T) {
	err := errors.Join(&plots.FigureError{Problem: "2-2", Figure: "minimal-ratio", Err: errors.New("missing")},
		&plots.FigureError{Problem: "2-2", Figure: "gradnorm-sinc", Err: errors.New("missing")})
	if got := strings.Join(figureNames(err), " "); got != "minimal-ratio gradnorm-sinc" {
		t.Errorf("figureNames = %q", got)
	}
	if got := figureNames(errors.New("plots: unreadable")); got != nil {
		t.Errorf("figureNames of a plain error = %q", got)
	}
}

// flatSummary returns the JSON of a flat summary, as problems without a typed summary
// store it.
func flatSummary(m map[string]float64) json.RawMessage {
	raw, err := records.EncodeSummary(m)
	if err != nil {
		panic(err) // a map of numbers always encodes
	}
	return raw
}
