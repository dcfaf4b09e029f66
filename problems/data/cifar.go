package data

import (
	"fmt"
	"path/filepath"
)

// CIFAR-10 binary format: each record is one label byte followed by 1024 red, 1024
// green and 1024 blue bytes of a 32x32 image, rows top to bottom.
const (
	cifarSide    = 32
	cifarPixels  = cifarSide * cifarSide
	cifarRecord  = 1 + 3*cifarPixels
	cifarClasses = 10
)

// cifarTrainFiles and cifarTestFiles are the batch files of CIFAR-10's binary version.
var (
	cifarTrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	cifarTestFiles  = []string{"test_batch.bin"}
)

// ParseCIFAR decodes one CIFAR-10 binary batch (3,073-byte records: a label in [0,10)
// then the red, green and blue planes of a 32x32 image) into a Set of shape [32 32 3]
// in NHWC order; name is the file's name for error messages.
func ParseCIFAR(name string, b []byte) (*Set, error) {
	n, err := cifarCount(name, len(b))
	if err != nil {
		return nil, err
	}
	s := newCIFARSet(n)
	if err := decodeCIFAR(name, b, s.X, s.Labels); err != nil {
		return nil, err
	}
	return s, nil
}

// newCIFARSet returns a zeroed Set of n CIFAR-10 images, shape [32 32 3].
func newCIFARSet(n int) *Set {
	return &Set{
		X:       make([]float32, n*3*cifarPixels),
		Labels:  make([]int32, n),
		Shape:   []int{cifarSide, cifarSide, 3},
		N:       n,
		Classes: cifarClasses,
	}
}

// cifarCount returns the number of records in a CIFAR-10 batch of size bytes.
func cifarCount(name string, size int) (int, error) {
	switch {
	case size == 0:
		return 0, fileErrorf(name, "empty CIFAR-10 batch")
	case size%cifarRecord != 0:
		return 0, fileErrorf(name, "%d bytes is not a whole number of %d-byte CIFAR-10 records", size, cifarRecord)
	}
	return size / cifarRecord, nil
}

// decodeCIFAR decodes the records of b into x (NHWC, len 3072 per record) and labels.
func decodeCIFAR(name string, b []byte, x []float32, labels []int32) error {
	for i := range labels {
		rec := b[i*cifarRecord : (i+1)*cifarRecord]
		if rec[0] >= cifarClasses {
			return fileErrorf(name, "label %d of record %d is out of range [0,%d)", rec[0], i, cifarClasses)
		}
		labels[i] = int32(rec[0])
		planes := rec[1:]
		out := x[i*3*cifarPixels : (i+1)*3*cifarPixels]
		for p := range cifarPixels {
			out[3*p] = pixelScale[planes[p]]
			out[3*p+1] = pixelScale[planes[cifarPixels+p]]
			out[3*p+2] = pixelScale[planes[2*cifarPixels+p]]
		}
	}
	return nil
}

// readCIFARSet reads the named batch files of dir into one Set, allocating it once.
func readCIFARSet(dir string, files []string) (*Set, error) {
	blobs := make([][]byte, len(files))
	total := 0
	for i, f := range files {
		path := filepath.Join(dir, f)
		b, err := readFile(path)
		if err != nil {
			return nil, err
		}
		n, err := cifarCount(path, len(b))
		if err != nil {
			return nil, err
		}
		blobs[i] = b
		total += n
	}
	s := newCIFARSet(total)
	at := 0
	for i, b := range blobs {
		n := len(b) / cifarRecord
		if err := decodeCIFAR(filepath.Join(dir, files[i]), b, s.X[at*3*cifarPixels:(at+n)*3*cifarPixels], s.Labels[at:at+n]); err != nil {
			return nil, err
		}
		blobs[i] = nil
		at += n
	}
	if total == 0 {
		return nil, fmt.Errorf("data: no CIFAR-10 batches in %s", dir)
	}
	return s, nil
}
