package tfgraph

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRestore feeds damaged checkpoint files to Restore: every outcome must be an
// error or a successful restore, never a crash, and the intact files must restore the
// saved parameters exactly, over parameters that were changed in between.
func FuzzRestore(f *testing.F) {
	data := regression(16, 2, 1, sinSum)
	m, err := New(MLP("fuzz", 2, []int{3}, 1, Tanh, MSE), data, nil, Config{Seed: 1, Session: testSession})
	if err != nil {
		f.Fatal(err)
	}
	defer m.Close()
	dir := f.TempDir()
	good := filepath.Join(dir, "good")
	if err := m.Save(good); err != nil {
		f.Fatal(err)
	}
	index, err := os.ReadFile(good + ".index")
	if err != nil {
		f.Fatal(err)
	}
	want, err := m.GetParams()
	if err != nil {
		f.Fatal(err)
	}
	datas, _ := filepath.Glob(good + ".data-*")
	if len(datas) != 1 {
		f.Fatalf("Save wrote %d data files %v, want 1", len(datas), datas)
	}
	payload, err := os.ReadFile(datas[0])
	if err != nil {
		f.Fatal(err)
	}
	suffix := datas[0][len(good):]
	f.Add(index, payload)
	f.Add(index[:len(index)/2], payload)
	f.Add(index, payload[:len(payload)/2])
	f.Add([]byte{}, []byte{})
	n := 0
	f.Fuzz(func(t *testing.T, idx, dat []byte) {
		n++
		prefix := filepath.Join(dir, "case")
		if err := os.WriteFile(prefix+".index", idx, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(prefix+suffix, dat, 0o644); err != nil {
			t.Fatal(err)
		}
		rng, _ := os.ReadFile(good + ".rng")
		os.WriteFile(prefix+".rng", rng, 0o644)
		if err := m.SetParams(make([]float64, len(want))); err != nil {
			t.Fatal(err)
		}
		err := m.Restore(prefix) // for damaged files an error is expected; a crash is the bug
		if !bytes.Equal(idx, index) || !bytes.Equal(dat, payload) {
			return
		}
		if err != nil {
			t.Fatalf("the intact checkpoint does not restore: %v", err)
		}
		got, err := m.GetParams()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("restored %d parameters, saved %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("parameter %d restored as %v, saved %v", i, got[i], want[i])
			}
		}
	})
}
