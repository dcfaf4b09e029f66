package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCIFARLayout(t *testing.T) {
	// One record: label 3, red plane all 1, green plane 2, blue plane the pixel index
	// (mod 256), so NHWC order can be checked value by value.
	rec := make([]byte, cifarRecord)
	rec[0] = 3
	for p := range cifarPixels {
		rec[1+p] = 1
		rec[1+cifarPixels+p] = 2
		rec[1+2*cifarPixels+p] = byte(p)
	}
	s, err := ParseCIFAR("one.bin", rec)
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 1 || s.Labels[0] != 3 || s.Dim() != 3072 || s.Shape[0] != 32 || s.Shape[1] != 32 || s.Shape[2] != 3 {
		t.Fatalf("N=%d label=%d Shape=%v, want 1, 3, [32 32 3]", s.N, s.Labels[0], s.Shape)
	}
	for _, p := range []int{0, 1, 31, 32, 33, 1023} {
		row, col := p/32, p%32
		at := (row*32 + col) * 3
		got := [3]float32{s.X[at], s.X[at+1], s.X[at+2]}
		want := [3]float32{1.0 / 255, 2.0 / 255, float32(byte(p)) / 255}
		if got != want {
			t.Fatalf("pixel (%d,%d) = %v, want %v", row, col, got, want)
		}
	}
}

func TestCIFARHostile(t *testing.T) {
	good := cifarBytes(3, 2)
	badLabel := cifarBytes(3, 2)
	badLabel[cifarRecord] = 10
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"one byte short", good[:len(good)-1], "not a whole number"},
		{"one byte extra", append(good, 0), "not a whole number"},
		{"label out of range", badLabel, "label 10 of record 1 is out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCIFAR("batch.bin", tc.b)
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != "batch.bin" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming batch.bin and saying %q", err, tc.want)
			}
		})
	}
}

// writeCIFAR writes a small CIFAR-10 layout into dir: n records per training batch and
// in the test batch, and returns the bytes of the training batches concatenated and
// of the test batch.
func writeCIFAR(t *testing.T, dir string, n int) (train, test []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, f := range cifarTrainFiles {
		b := cifarBytes(uint64(10+i), n)
		train = append(train, b...)
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	test = cifarBytes(99, n)
	if err := os.WriteFile(filepath.Join(dir, cifarTestFiles[0]), test, 0o644); err != nil {
		t.Fatal(err)
	}
	return train, test
}

// splitCIFAR returns the NHWC pixels and labels of CIFAR-10 records.
func splitCIFAR(b []byte) (pix, labels []byte) {
	for r := 0; r < len(b)/cifarRecord; r++ {
		rec := b[r*cifarRecord:]
		labels = append(labels, rec[0])
		for p := range cifarPixels {
			pix = append(pix, rec[1+p], rec[1+cifarPixels+p], rec[1+2*cifarPixels+p])
		}
	}
	return pix, labels
}

func TestLoadCIFAR(t *testing.T) {
	for _, sub := range []string{filepath.Join("cifar10", "cifar-10-batches-bin"), "cifar10"} {
		t.Run(sub, func(t *testing.T) {
			dir := t.TempDir()
			train, test := writeCIFAR(t, filepath.Join(dir, sub), 3)
			ds, err := Load("cifar10", dir)
			if err != nil {
				t.Fatal(err)
			}
			if ds.Name != "cifar10" || ds.Source != filepath.Join(dir, sub) {
				t.Fatalf("Name=%q Source=%q", ds.Name, ds.Source)
			}
			pix, labels := splitCIFAR(train)
			checkSet(t, ds.Train, []int{32, 32, 3}, pix, labels)
			pix, labels = splitCIFAR(test)
			checkSet(t, ds.Test, []int{32, 32, 3}, pix, labels)
		})
	}
}

func TestLoadCIFARDamaged(t *testing.T) {
	dir := t.TempDir()
	d := filepath.Join(dir, "cifar10")
	writeCIFAR(t, d, 2)
	bad := filepath.Join(d, "data_batch_3.bin")
	if err := os.WriteFile(bad, cifarBytes(1, 2)[:cifarRecord+5], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load("cifar10", dir)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != bad {
		t.Fatalf("error %v, want one naming %s", err, bad)
	}
}
