package data

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzIDX feeds arbitrary bytes to the IDX reader: it must return an error or a file
// whose data agrees with its dimensions and survives a round trip, and must never
// panic. The seed corpus is in testdata/fuzz/FuzzIDX.
func FuzzIDX(f *testing.F) {
	f.Add(idxBytes(f, []int{2, 2, 2}, []byte{0, 1, 2, 3, 4, 5, 6, 255}))
	f.Add(gzipBytes(f, idxBytes(f, []int{3}, []byte{0, 9, 1})))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseIDX("fuzz", b)
		if err != nil {
			return
		}
		n := 1
		for _, d := range got.Dims {
			n *= d
		}
		if n != len(got.Data) || got.Magic != 0x800|uint32(len(got.Dims)) {
			t.Fatalf("magic 0x%08x dims %v with %d bytes of data", got.Magic, got.Dims, len(got.Data))
		}
		var buf bytes.Buffer
		if err := WriteIDX(&buf, got.Dims, got.Data); err != nil {
			t.Fatalf("WriteIDX of a parsed file: %v", err)
		}
		again, err := ParseIDX("again", buf.Bytes())
		if err != nil || !slices.Equal(again.Dims, got.Dims) || !bytes.Equal(again.Data, got.Data) {
			t.Fatalf("round trip: %v", err)
		}
		// The typed readers must also fail cleanly or return consistent sets.
		if k, shape, x, err := idxImages("fuzz", b); err == nil && (len(x) != k*shape[0]*shape[1] || shape[2] != 1) {
			t.Fatalf("images: %d of %v with %d values", k, shape, len(x))
		}
		if labels, err := idxLabels("fuzz", b, 10); err == nil {
			for _, l := range labels {
				if l < 0 || l >= 10 {
					t.Fatalf("label %d out of range", l)
				}
			}
		}
	})
}

// FuzzCIFAR feeds arbitrary bytes to the CIFAR-10 reader: it must return an error or a
// set of whole records with labels in range and pixels in [0,1], and must never panic.
// The seed corpus is in testdata/fuzz/FuzzCIFAR.
func FuzzCIFAR(f *testing.F) {
	f.Add(cifarBytes(1, 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseCIFAR("fuzz", b)
		if err != nil {
			return
		}
		if s.N*cifarRecord != len(b) || len(s.Labels) != s.N || len(s.X) != s.N*s.Dim() || s.Dim() != 3072 {
			t.Fatalf("%d records of %v from %d bytes", s.N, s.Shape, len(b))
		}
		for i, l := range s.Labels {
			if l < 0 || l >= 10 || int32(b[i*cifarRecord]) != l {
				t.Fatalf("label %d of record %d, byte %d", l, i, b[i*cifarRecord])
			}
		}
		for i, v := range s.X {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("X[%d]=%v outside [0,1]", i, v)
			}
		}
	})
}
