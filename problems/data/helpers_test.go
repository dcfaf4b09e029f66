package data

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// idxBytes returns a raw IDX file of dims and payload.
func idxBytes(t testing.TB, dims []int, payload []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteIDX(&buf, dims, payload); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipBytes compresses b.
func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// randomBytes returns n bytes below bound from a seeded generator.
func randomBytes(seed uint64, n, bound int) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(bound))
	}
	return b
}

// fixture is a small MNIST-layout dataset: images and labels of both splits.
type fixture struct {
	rows, cols    int
	trainX, testX []byte
	trainY, testY []byte
	nTrain, nTest int
}

// newFixture returns a seeded fixture of nTrain and nTest rows x cols images.
func newFixture(seed uint64, nTrain, nTest, rows, cols int) fixture {
	return fixture{
		rows: rows, cols: cols, nTrain: nTrain, nTest: nTest,
		trainX: randomBytes(seed, nTrain*rows*cols, 256),
		testX:  randomBytes(seed+1, nTest*rows*cols, 256),
		trainY: randomBytes(seed+2, nTrain, 10),
		testY:  randomBytes(seed+3, nTest, 10),
	}
}

// write writes the fixture's four IDX files into dir, gzipped when gz is set.
func (f fixture) write(t testing.TB, dir string, gz bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"train-images-idx3-ubyte": idxBytes(t, []int{f.nTrain, f.rows, f.cols}, f.trainX),
		"train-labels-idx1-ubyte": idxBytes(t, []int{f.nTrain}, f.trainY),
		"t10k-images-idx3-ubyte":  idxBytes(t, []int{f.nTest, f.rows, f.cols}, f.testX),
		"t10k-labels-idx1-ubyte":  idxBytes(t, []int{f.nTest}, f.testY),
	}
	for name, b := range files {
		if gz {
			name, b = name+".gz", gzipBytes(t, b)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// cifarBytes returns a CIFAR-10 batch of n seeded records.
func cifarBytes(seed uint64, n int) []byte {
	b := randomBytes(seed, n*cifarRecord, 256)
	labels := randomBytes(seed+1, n, 10)
	for i := range n {
		b[i*cifarRecord] = labels[i]
	}
	return b
}

// checkSet compares a Set with the bytes and labels it should hold.
func checkSet(t *testing.T, s *Set, shape []int, pix, labels []byte) {
	t.Helper()
	if s.N != len(labels) || len(s.Labels) != len(labels) || s.Classes != 10 {
		t.Fatalf("N=%d len(Labels)=%d Classes=%d, want %d, %d, 10", s.N, len(s.Labels), s.Classes, len(labels), len(labels))
	}
	if len(s.Shape) != len(shape) {
		t.Fatalf("Shape %v, want %v", s.Shape, shape)
	}
	for i := range shape {
		if s.Shape[i] != shape[i] {
			t.Fatalf("Shape %v, want %v", s.Shape, shape)
		}
	}
	if len(s.X) != len(pix) {
		t.Fatalf("len(X)=%d, want %d", len(s.X), len(pix))
	}
	for i, v := range pix {
		if got, want := s.X[i], float32(v)/255; got != want {
			t.Fatalf("X[%d]=%v, want %v", i, got, want)
		}
	}
	for i, v := range labels {
		if s.Labels[i] != int32(v) {
			t.Fatalf("Labels[%d]=%d, want %d", i, s.Labels[i], v)
		}
	}
}
