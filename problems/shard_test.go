package problems

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"hw1/problems/records"
)

// TestShardedEqualsUnsharded runs every problem that lists its units on tiny settings
// twice: whole, and as two shards merged with Merge. The merged records must equal the
// unsharded ones row for row in canonical order, and the typed summaries must be the
// same, as must the exported parameters' folders.
func TestShardedEqualsUnsharded(t *testing.T) {
	for _, p := range All() {
		t.Run(p.Name, func(t *testing.T) {
			if p.Units == nil {
				t.Fatalf("%s lists no units", p.Name)
			}
			over := maps.Clone(tinySettings[p.Name])
			whole := testEnv(t, over)
			whole.NoTensorBoard = true
			want, wantTab := mustExecute(t, p.Name, whole)

			base := t.TempDir()
			const n = 2
			for i := range n {
				env := testEnv(t, maps.Clone(over))
				env.Dir, env.Shard, env.NoTensorBoard = ShardDir(base, i), Shard{Index: i, Count: n}, true
				res, err := Execute(context.Background(), p, env, "test")
				if err != nil {
					t.Fatalf("shard %d: %v", i, err)
				}
				if res.Manifest.Shard == nil || res.Manifest.Shard.Index != i || res.Manifest.Shard.Count != n {
					t.Fatalf("shard %d: manifest shard %+v", i, res.Manifest.Shard)
				}
			}
			got, gotTab := mustMerge(t, p, base)
			if !slices.IsSortedFunc(gotTab, records.CompareRows) {
				t.Error("the merged records are not in canonical order")
			}
			sameRows(t, records.Canonical(wantTab), gotTab)
			if !sameJSON(want.Manifest.Summary, got.Manifest.Summary) {
				t.Errorf("summaries differ:\nunsharded %s\nmerged    %s", want.Manifest.Summary, got.Manifest.Summary)
			}
			if !slices.Equal(want.Manifest.Seeds, got.Manifest.Seeds) {
				t.Errorf("seeds: unsharded %v, merged %v", want.Manifest.Seeds, got.Manifest.Seeds)
			}
			if w, g := folders(t, filepath.Join(whole.Dir, records.ParamsDir)), folders(t, filepath.Join(base, records.ParamsDir)); !slices.Equal(w, g) {
				t.Errorf("params/: unsharded %v, merged %v", w, g)
			}
			man, err := records.ReadManifest(filepath.Join(base, records.ManifestFile))
			if err != nil || man.Status != records.StatusOK || man.Shard != nil {
				t.Errorf("merged manifest %+v (%v): want status ok and no shard", man, err)
			}
		})
	}
}

// mustMerge merges the shards of p in base, failing t when Merge does, and returns
// its result with the merged records.
func mustMerge(t *testing.T, p Problem, base string) (*RunResult, records.Table) {
	t.Helper()
	res, err := Merge(context.Background(), p, Env{Dir: base}, 0, "test")
	if err != nil {
		t.Fatal(err)
	}
	tab, err := records.Read(filepath.Join(base, records.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	return res, tab
}

// sameRows fails t at the first row where want and got differ (NaN equals NaN).
func sameRows(t *testing.T, want, got records.Table) {
	t.Helper()
	for i := range min(len(want), len(got)) {
		w, g := want[i], got[i]
		if w.Key() != g.Key() || w.Metric != g.Metric || !sameFloat(w.Epoch, g.Epoch) || !sameFloat(w.Value, g.Value) {
			t.Fatalf("row %d: unsharded %+v, merged %+v", i+1, w, g)
		}
	}
	if len(want) != len(got) {
		t.Fatalf("%d rows unsharded, %d merged", len(want), len(got))
	}
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

// folders returns the names in dir, or none when it does not exist.
func folders(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// onShard returns a spoil function of TestMergeRefuses that keeps every shard and
// changes the manifest of shard k alone.
func onShard(k int, change func(m *records.Manifest)) func(int, *records.Manifest) bool {
	return func(i int, m *records.Manifest) bool {
		if i == k {
			change(m)
		}
		return true
	}
}

// TestMergeRefuses builds the folders of three shards of 2-2 by hand, spoils one of
// them in each case, and checks that Merge names that shard and writes nothing.
func TestMergeRefuses(t *testing.T) {
	cases := []struct {
		name    string
		spoil   func(i int, m *records.Manifest) bool // false: leave shard i out
		count   int
		shard   int
		version string // of the merging hw1; "" is the shards' own
	}{
		{name: "merged by another hw1", spoil: func(int, *records.Manifest) bool { return true }, shard: -1, version: "0.2.0"},
		{"missing shard", func(i int, _ *records.Manifest) bool { return i != 1 }, 0, 1, ""},
		{"fewer shards than asked", func(int, *records.Manifest) bool { return true }, 4, 3, ""},
		{"more shards than asked", func(int, *records.Manifest) bool { return true }, 2, 2, ""},
		{"failed shard", onShard(2, func(m *records.Manifest) { m.Status, m.Error = records.StatusFailed, "problems: 2-2: out of memory" }), 0, 2, ""},
		{"running shard", onShard(1, func(m *records.Manifest) { m.Status, m.End = records.StatusRunning, time.Time{} }), 0, 1, ""},
		{"other settings", onShard(1, func(m *records.Manifest) { m.Settings["trainings"] = 5.0 }), 0, 1, ""},
		{"other seed", onShard(2, func(m *records.Manifest) { m.Shard.Seed = 2 }), 0, 2, ""},
		{"other hw1 version", onShard(1, func(m *records.Manifest) { m.HW1Version = "0.0.9" }), 0, 1, ""},
		{"other profile", onShard(2, func(m *records.Manifest) { m.Profile = "full" }), 0, 2, ""},
		{"other shard count", onShard(1, func(m *records.Manifest) { m.Shard.Count = 4 }), 0, 1, ""},
		{"not a shard", onShard(0, func(m *records.Manifest) { m.Shard = nil }), 0, 0, ""},
	}
	p, _ := Lookup(records.Problem22)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for i := range 3 {
				m := fakeShard(i, 3)
				if c.spoil(i, m) {
					writeShard(t, ShardDir(dir, i), m)
				}
			}
			if c.count == 2 { // a fourth folder that a run of three shards does not have
				writeShard(t, ShardDir(dir, 2), fakeShard(2, 3))
			}
			version := "test"
			if c.version != "" {
				version = c.version
			}
			_, err := Merge(context.Background(), p, Env{Dir: dir}, c.count, version)
			var me *MergeError
			if !errors.As(err, &me) {
				t.Fatalf("Merge: %v, want a *MergeError", err)
			}
			if me.Shard != c.shard {
				t.Errorf("Merge names shard %d (%v), want %d", me.Shard, err, c.shard)
			}
			for _, f := range []string{records.RecordsFile, records.ManifestFile, records.ParamsDir} {
				if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
					t.Errorf("Merge wrote %s although it refused", f)
				}
			}
		})
	}
}

// fakeShard returns the manifest of shard i of n of a finished 2-2 run.
func fakeShard(i, n int) *records.Manifest {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &records.Manifest{
		Problem: records.Problem22, Profile: "quick", Status: records.StatusOK,
		Settings: map[string]any{"trainings": 2.0, "tasks": []any{"sinc"}}, Seeds: []int64{7, 8, 9},
		HW1Version: "test", Start: start, End: start.Add(time.Second), WallSecs: 1,
		Shard: &records.Shard{Index: i, Count: n, Units: 3, Seed: 1},
	}
}

// writeShard writes a shard's manifest and a records file with one row into dir.
func writeShard(t *testing.T, dir string, m *records.Manifest) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := records.WriteManifest(filepath.Join(dir, records.ManifestFile), m); err != nil {
		t.Fatal(err)
	}
	w, err := records.Create(filepath.Join(dir, records.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(records.Row{Run: "seed-1", Model: model22, Split: "train", Step: NoStep, Epoch: NoEpoch, Metric: "loss", Value: 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestShardResumesAfterInterrupt interrupts one shard of 2-1 in its second run, checks
// that Merge refuses it by name, resumes it with Resume as a run resumes, and then
// compares the merged result with an unsharded run: the same rows (values within
// 1e-9 relative, as a resumed run restores its optimizer from a checkpoint) and the
// same summary.
func TestShardResumesAfterInterrupt(t *testing.T) {
	p, _ := Lookup(records.Problem21)
	over := map[string]string{"runs": "4", "epochs": "3", "every": "1", "train": "300", "surface_points": "7"}
	whole := testEnv(t, maps.Clone(over))
	whole.NoTensorBoard = true
	want, wantTab := mustExecute(t, p.Name, whole)

	base := t.TempDir()
	shard := func(i int) Env {
		env := testEnv(t, maps.Clone(over))
		env.Dir, env.Shard, env.NoTensorBoard = ShardDir(base, i), Shard{Index: i, Count: 2}, true
		return env
	}
	if _, err := Execute(context.Background(), p, shard(0), "test"); err != nil {
		t.Fatal(err)
	}
	interrupted(t, p, shard(1), 3+2) // shard 1 runs units 1 and 3: stop in unit 3
	_, err := Merge(context.Background(), p, Env{Dir: base}, 0, "test")
	var me *MergeError
	if !errors.As(err, &me) || me.Shard != 1 || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("Merge with an interrupted shard 1: %v; want it named", err)
	}
	resumed := shard(1)
	resumed.Resume = true
	if _, err := Execute(context.Background(), p, resumed, "test"); err != nil {
		t.Fatal(err)
	}
	got, gotTab := mustMerge(t, p, base)
	wantTab = records.Canonical(wantTab)
	if len(gotTab) != len(wantTab) {
		t.Fatalf("%d rows merged, %d unsharded", len(gotTab), len(wantTab))
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	for i, w := range wantTab {
		g := gotTab[i]
		if w.Key() != g.Key() || w.Metric != g.Metric || !sameFloat(w.Epoch, g.Epoch) || !near(g.Value, w.Value) {
			t.Fatalf("row %d: unsharded %+v, merged %+v", i+1, w, g)
		}
	}
	var ws, gs summary21
	if err := want.DecodeSummary(&ws); err != nil {
		t.Fatal(err)
	}
	if err := got.DecodeSummary(&gs); err != nil {
		t.Fatal(err)
	}
	if len(gs.Runs) != 4 || len(gs.PCA) != 2 || !near(gs.PCA[1].Explained1, ws.PCA[1].Explained1) ||
		!near(gs.FinalTrainAcc.Mean, ws.FinalTrainAcc.Mean) || !near(gs.FinalDistance.Mean, ws.FinalDistance.Mean) {
		t.Errorf("merged summary %+v, unsharded %+v", gs, ws)
	}
}
