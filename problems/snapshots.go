package problems

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
)

// snapshot is the state of one training at one recorded epoch.
type snapshot struct {
	Epoch     int
	Loss, Acc float64 // on the whole training set
	Params    []float32
}

// snapshotsDir is the folder of a problem's output folder that holds 2-1's parameter
// snapshots, snapshots/<run>.bin: per-unit files that the PCA over all runs reads.
const snapshotsDir = "snapshots"

// snapshotsUpTo returns the snapshots taken at or before epoch done, in epoch order.
func snapshotsUpTo(snaps []snapshot, done int) []snapshot {
	var out []snapshot
	for _, sn := range snaps {
		if sn.Epoch <= done {
			out = append(out, sn)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Epoch < out[j].Epoch })
	return out
}

// snapshotsCover reports whether snaps holds exactly the snapshots a training that
// did done > 0 epochs has taken: epoch 0, every multiple of every up to done, and the
// last epoch if done reached it. It is false for done = 0: that run starts over.
func snapshotsCover(snaps []snapshot, done, every, epochs int) bool {
	if done == 0 {
		return false // nothing to keep: the run starts over
	}
	want := []int{0}
	for e := every; e <= done; e += every {
		want = append(want, e)
	}
	if done == epochs && epochs%every != 0 {
		want = append(want, epochs)
	}
	if len(snaps) != len(want) {
		return false
	}
	for i, sn := range snaps {
		if sn.Epoch != want[i] {
			return false
		}
	}
	return true
}

// The snapshot file is a sequence of records, each the epoch (int64), the training
// loss and accuracy (float64) and the parameters (float32), little endian.

func snapshotSize(n int) int { return 8 + 8 + 8 + 4*n }

// readSnapshots reads the snapshots of one run; a missing file holds none and an
// incomplete last record (a killed write) is ignored.
func readSnapshots(path string, n int) ([]snapshot, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("problems: 2-1: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	buf := make([]byte, snapshotSize(n))
	var out []snapshot
	for {
		if _, err := io.ReadFull(r, buf); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return out, nil
			}
			return nil, fmt.Errorf("problems: 2-1: reading %s: %w", path, err)
		}
		sn := snapshot{
			Epoch:  int(int64(binary.LittleEndian.Uint64(buf[0:]))),
			Loss:   math.Float64frombits(binary.LittleEndian.Uint64(buf[8:])),
			Acc:    math.Float64frombits(binary.LittleEndian.Uint64(buf[16:])),
			Params: make([]float32, n),
		}
		for i := range sn.Params {
			sn.Params[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[24+4*i:]))
		}
		out = append(out, sn)
	}
}

func encodeSnapshot(sn snapshot) []byte {
	buf := make([]byte, snapshotSize(len(sn.Params)))
	binary.LittleEndian.PutUint64(buf[0:], uint64(int64(sn.Epoch)))
	binary.LittleEndian.PutUint64(buf[8:], math.Float64bits(sn.Loss))
	binary.LittleEndian.PutUint64(buf[16:], math.Float64bits(sn.Acc))
	for i, p := range sn.Params {
		binary.LittleEndian.PutUint32(buf[24+4*i:], math.Float32bits(p))
	}
	return buf
}

// writeSnapshots replaces the snapshot file at path with snaps.
func writeSnapshots(path string, snaps []snapshot) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("problems: 2-1: %w", err)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("problems: 2-1: %w", err)
	}
	w := bufio.NewWriter(f)
	for _, sn := range snaps {
		w.Write(encodeSnapshot(sn))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("problems: 2-1: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("problems: 2-1: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("problems: 2-1: %w", err)
	}
	return nil
}

// appendSnapshot adds one snapshot at the end of the file at path and syncs it.
func appendSnapshot(path string, sn snapshot) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("problems: 2-1: %w", err)
	}
	if _, err := f.Write(encodeSnapshot(sn)); err != nil {
		f.Close()
		return fmt.Errorf("problems: 2-1: writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("problems: 2-1: %w", err)
	}
	return f.Close()
}

// dist32 returns the Euclidean distance between two parameter snapshots.
func dist32(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}
