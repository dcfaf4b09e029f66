package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hw1/problems/records"
)

// TestReadmeBlockFromSummary checks that the README's findings come from a run's
// typed summary: the answer's numbers, the data sizes and the seeds of a 1-2 manifest
// written here appear in the block, and a missing run is left out.
func TestReadmeBlockFromSummary(t *testing.T) {
	dir := t.TempDir()
	acc := func(xs ...float64) map[string]any {
		return map[string]any{"mean": xs[0], "sd": xs[1], "n": 3, "lo": xs[2], "hi": xs[3], "level": 0.95}
	}
	sum, err := records.EncodeSummary(map[string]any{
		"seeds": 3, "epochs": 3, "batch": 64,
		"tasks": []any{map[string]any{"task": "digits", "train": 8000, "test": 2000}},
		"models": []any{
			map[string]any{"model": "digits cnn-2", "task": "digits", "name": "cnn-2", "params": 39408, "test_accuracy": acc(0.9678, 0.0015, 0.9640, 0.9716), "test_loss": acc(0.1, 0.01, 0.08, 0.12), "train_accuracy": acc(0.97, 0.01, 0.95, 0.99), "train_loss": acc(0.1, 0.01, 0.08, 0.12)},
		},
		"effects": []any{}, "orderings": []any{},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := runManifest("1-2", records.StatusOK, 60)
	m.Seeds, m.Dataset, m.Summary = []int64{1, 2, 3}, records.Dataset{Name: "digits", Train: 8000, Test: 2000}, sum
	writeManifest(t, dir, m)
	if err := os.WriteFile(filepath.Join(dir, "1-2", records.RecordsFile), []byte("run,model,split,seed,step,epoch,metric,value\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	block, _, err := readmeBlock(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### 1-2 ·", "Data: digits, 8,000 training and 2,000 test examples", "3 seeds", "test accuracy 96.78% [96.4, 97.16], 3 seeds"} {
		if !strings.Contains(block, want) {
			t.Errorf("findings block lacks %q:\n%s", want, block)
		}
	}
	if strings.Contains(block, "### 1-1") {
		t.Errorf("a problem that did not run is in the block:\n%s", block)
	}
	if _, _, err := readmeBlock(t.TempDir(), ""); err == nil {
		t.Error("no error for a results folder without runs")
	}
}

func TestReplaceBlock(t *testing.T) {
	readmeBegin, readmeEnd := markers("findings")
	for _, c := range []struct {
		name, in, want string
		ok             bool
	}{
		{"replaces", "a\n" + readmeBegin + "\nold\n" + readmeEnd + "\nb", "a\n" + readmeBegin + "\nnew\n" + readmeEnd + "\nb", true},
		{"empty block", readmeBegin + readmeEnd, readmeBegin + "\nnew\n" + readmeEnd, true},
		{"no markers", "a\nb", "", false},
		{"reversed", readmeEnd + readmeBegin, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := replaceBlock([]byte(c.in), "new", readmeBegin, readmeEnd)
			if (err == nil) != c.ok || (c.ok && string(got) != c.want) {
				t.Errorf("replaceBlock = %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// TestReadmeHasFindingsMarkers checks that README.md has both blocks that hw1 readme
// writes: the quick profile's findings and the full profile's.
func TestReadmeHasFindingsMarkers(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"findings", "findings-full"} {
		begin, end := markers(name)
		if _, err := replaceBlock(b, "x", begin, end); err != nil {
			t.Errorf("block %s: %v", name, err)
		}
	}
}

// TestNamedBlockLeavesTheOthers checks that rewriting one named block leaves the text
// around it, and the other block, as they were.
func TestNamedBlockLeavesTheOthers(t *testing.T) {
	qb, qe := markers("findings")
	fb, fe := markers("findings-full")
	in := "top\n" + qb + "\nquick\n" + qe + "\nmiddle\n" + fb + "\nfull\n" + fe + "\nend\n"
	for _, c := range []struct {
		name, begin, end, want string
	}{
		{"quick", qb, qe, "top\n" + qb + "\nnew\n" + qe + "\nmiddle\n" + fb + "\nfull\n" + fe + "\nend\n"},
		{"full", fb, fe, "top\n" + qb + "\nquick\n" + qe + "\nmiddle\n" + fb + "\nnew\n" + fe + "\nend\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := replaceBlock([]byte(in), "new", c.begin, c.end)
			if err != nil || string(got) != c.want {
				t.Errorf("got %q (%v), want %q", got, err, c.want)
			}
		})
	}
	for _, c := range []struct {
		name string
		ok   bool
	}{{"findings", true}, {"findings-full", true}, {"Full2", true}, {"", false}, {"a b", false}, {"x-->", false}} {
		if got := validBlockName(c.name); got != c.ok {
			t.Errorf("validBlockName(%q) = %v, want %v", c.name, got, c.ok)
		}
	}
}
