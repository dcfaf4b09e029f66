package main

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"

	"hw1/problems/records"
)

// The cluster tests (slurm_test.go, kubernetes_test.go) run a small 2-2 sweep in
// shards, merge it with hw1 merge and compare the result with an unsharded run of the
// same settings. This file holds what they share.

// sweep22Sets are the settings of the small 2-2 sweep: the tiny settings of the -short
// tier (problems/tiny_test.go) with 8 minimal-ratio trainings, so that each of 4 shards
// has units of its own. --threads 1 everywhere keeps TensorFlow's reductions in one
// order, so that shards and the unsharded run compute the same numbers.
var sweep22Sets = []string{
	"--set", "trainings=8", "--set", "phase1_epochs=20", "--set", "phase2_steps=5",
	"--set", "mnist_epochs=1", "--set", "mnist_train=300", "--set", "fn_epochs=5",
}

// unsharded22 is the unsharded run of the small 2-2 sweep, made once per test binary
// by the first test that asks for it.
var unsharded22 struct {
	once sync.Once
	dir  string
	err  error
}

// runUnsharded22 runs the small 2-2 sweep unsharded (sweep22Sets, seed 1, quick
// profile, one thread) on first use and returns its output folder. It may run on a
// goroutine of its own while a test waits for its cluster.
func runUnsharded22() (string, error) {
	u := &unsharded22
	u.once.Do(func() {
		// The folder lives beside the test binary, which TestMain removes at the end.
		dir, err := os.MkdirTemp(filepath.Dir(hw1Bin), "unsharded-2-2")
		if err != nil {
			u.err = err
			return
		}
		args := append([]string{"run", "2-2", "--out", dir, "--quiet", "--threads", "1"}, sweep22Sets...)
		if out, err := exec.Command(hw1Bin, args...).CombinedOutput(); err != nil {
			u.err = fmt.Errorf("unsharded hw1 run 2-2: %v\n%s", err, out)
			return
		}
		u.dir = dir
	})
	return u.dir, u.err
}

// rowOrder sorts rows by every cell: run, model, split, seed, step, epoch, metric and
// value. Two tables that hold the same rows in any order are equal once both are
// sorted with it.
func rowOrder(a, b records.Row) int {
	return cmp.Or(cmp.Compare(a.Run, b.Run), cmp.Compare(a.Model, b.Model), cmp.Compare(a.Split, b.Split),
		cmp.Compare(a.Seed.String(), b.Seed.String()), cmp.Compare(a.Step, b.Step),
		cmp.Compare(a.Epoch, b.Epoch), cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Value, b.Value))
}

// checkMergedLikeUnsharded checks the folder hw1 merge wrote for 2-2 in merged against
// the unsharded run in ref: merged records in the canonical order, the same rows as the
// unsharded run's once both are sorted, a manifest with status ok, and the same typed
// summary.
func checkMergedLikeUnsharded(t *testing.T, merged, ref string) {
	t.Helper()
	got, gotMan := read22(t, merged, "merged")
	want, wantMan := read22(t, ref, "unsharded")
	if len(want) == 0 {
		t.Fatal("the unsharded run wrote no records")
	}
	if !slices.IsSortedFunc(got, records.CompareRows) {
		t.Error("merged records are not in the canonical order (records.Canonical)")
	}
	got, want = slices.Clone(got), slices.Clone(want)
	slices.SortFunc(got, rowOrder)
	slices.SortFunc(want, rowOrder)
	if d := diffTables(got, want); d != "" {
		t.Errorf("merged records differ from the unsharded run's: %s", d)
	}
	if gotMan.Status != records.StatusOK {
		t.Errorf("merged manifest status %q, want ok", gotMan.Status)
	}
	if d := diffSummaries(gotMan.Summary, wantMan.Summary); d != "" {
		t.Errorf("merged summary differs from the unsharded run's: %s", d)
	}
}

// read22 reads the records and the manifest that a run or a merge of 2-2 left in out,
// failing t, with what naming the folder, when either cannot be read.
func read22(t *testing.T, out, what string) (records.Table, *records.Manifest) {
	t.Helper()
	tab, err := records.Read(filepath.Join(out, "2-2", records.RecordsFile))
	if err != nil {
		t.Fatalf("%s records: %v", what, err)
	}
	man, err := records.ReadManifest(filepath.Join(out, "2-2", records.ManifestFile))
	if err != nil {
		t.Fatalf("%s manifest: %v", what, err)
	}
	return tab, man
}

// checkShardFolders checks that hw1 run --shard wrote one folder per shard,
// <out>/2-2/shards/<i>/, each with a manifest whose status is ok.
func checkShardFolders(t *testing.T, out string, shards int) {
	t.Helper()
	for i := range shards {
		path := filepath.Join(out, "2-2", "shards", strconv.Itoa(i), records.ManifestFile)
		man, err := records.ReadManifest(path)
		if err != nil {
			t.Errorf("shard %d: %v", i, err)
			continue
		}
		if man.Status != records.StatusOK {
			t.Errorf("shard %d: manifest status %q, want ok", i, man.Status)
		}
	}
}

// checkPlotAndReport checks that hw1 plot and hw1 report work on a merged folder.
func checkPlotAndReport(t *testing.T, out string) {
	t.Helper()
	if msg, code := hw1(t, "plot", "2-2", "--in", out); code != 0 {
		t.Errorf("hw1 plot 2-2 on the merged folder: exit %d\n%s", code, msg)
	}
	if msg, code := hw1(t, "report", "--out", out); code != 0 {
		t.Errorf("hw1 report on the merged folder: exit %d\n%s", code, msg)
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
		t.Errorf("hw1 report on the merged folder: %v", err)
	}
}
