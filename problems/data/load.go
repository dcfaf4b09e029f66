package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Dataset names.
const (
	Digits       = "digits"        // the embedded 8,000/2,000 MNIST digits
	MNIST        = "mnist"         // full MNIST, 60,000/10,000
	FashionMNIST = "fashion-mnist" // full Fashion-MNIST, 60,000/10,000
	CIFAR10      = "cifar10"       // CIFAR-10, 50,000/10,000
)

// ErrNotFound is wrapped by the errors of Load for a dataset whose files are not
// present.
var ErrNotFound = errors.New("dataset not found")

// SystemDirs lists directories outside the data directory where packaged datasets are
// installed, by dataset name. Debian's dataset-fashion-mnist installs Fashion-MNIST in
// /usr/share/datasets/fashion-mnist.
var SystemDirs = map[string][]string{
	FashionMNIST: {"/usr/share/datasets/fashion-mnist"},
}

// mnistFiles are the base names of the IDX files of MNIST and Fashion-MNIST, in the
// order train images, train labels, test images, test labels. Each may be stored raw
// or with a ".gz" suffix.
var mnistFiles = []string{
	"train-images-idx3-ubyte",
	"train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte",
	"t10k-labels-idx1-ubyte",
}

// Names returns the names Load accepts, the default "digits" first.
func Names() []string { return []string{Digits, MNIST, FashionMNIST, CIFAR10} }

// DefaultDir returns the directory datasets are fetched to and loaded from:
// $HW1_DATA_DIR if set, else $XDG_DATA_HOME/hw1, else ~/.local/share/hw1. Without a
// home directory it returns ".local/share/hw1" relative to the working directory.
func DefaultDir() string {
	if d := os.Getenv("HW1_DATA_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "hw1")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = ""
	}
	return filepath.Join(home, ".local", "share", "hw1")
}

// candidates returns the directories searched for the files of a dataset on disk, the
// one Fetch writes to first.
func candidates(name, dir string) []string {
	switch name {
	case MNIST, FashionMNIST:
		return append([]string{filepath.Join(dir, name)}, SystemDirs[name]...)
	case CIFAR10:
		return append([]string{filepath.Join(dir, "cifar10", "cifar-10-batches-bin"), filepath.Join(dir, "cifar10")}, SystemDirs[name]...)
	}
	return nil
}

// fetchDir returns the directory Fetch writes the files of name to.
func fetchDir(name, dir string) string { return candidates(name, dir)[0] }

// mnistPaths returns the paths of the four IDX files of an MNIST-layout dataset in d,
// preferring the gzip file where both exist, and whether all four exist.
func mnistPaths(d string) ([]string, bool) {
	paths := make([]string, len(mnistFiles))
	for i, base := range mnistFiles {
		for _, p := range []string{filepath.Join(d, base+".gz"), filepath.Join(d, base)} {
			if isFile(p) {
				paths[i] = p
				break
			}
		}
		if paths[i] == "" {
			return nil, false
		}
	}
	return paths, true
}

// cifarComplete reports whether d holds every batch file of CIFAR-10.
func cifarComplete(d string) bool {
	for _, f := range slices.Concat(cifarTrainFiles, cifarTestFiles) {
		if !isFile(filepath.Join(d, f)) {
			return false
		}
	}
	return true
}

// isFile reports whether path exists and is a regular file (after symlinks).
func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// locate returns the directory holding the complete files of the on-disk dataset name.
func locate(name, dir string) (string, bool) {
	for _, d := range candidates(name, dir) {
		var ok bool
		if name == CIFAR10 {
			ok = cifarComplete(d)
		} else {
			_, ok = mnistPaths(d)
		}
		if ok {
			return d, true
		}
	}
	return "", false
}

// Found tells whether a dataset is present and where.
type Found struct {
	Name    string // the dataset's name, as Names returns it
	Path    string // where its files are; "embedded" for the digits; where Fetch puts them when absent
	Present bool   // whether every file Load needs is there
}

// Present returns, for every name of Names in order, whether the dataset is present
// in dir (DefaultDir when dir is empty) or a system directory, and where. It only looks
// for the files; Load reads and checks them.
func Present(dir string) []Found {
	if dir == "" {
		dir = DefaultDir()
	}
	out := []Found{{Name: Digits, Path: "embedded", Present: true}}
	for _, name := range Names()[1:] {
		if d, ok := locate(name, dir); ok {
			out = append(out, Found{Name: name, Path: d, Present: true})
		} else {
			out = append(out, Found{Name: name, Path: fetchDir(name, dir)})
		}
	}
	return out
}

// Load returns the named dataset, reading its files from dir (DefaultDir when dir is
// empty) or, for Fashion-MNIST, from a system directory (see SystemDirs).
//
// The name "" picks the default: full MNIST when its files are present, otherwise the
// embedded digits. A named dataset whose files are missing gives an error wrapping
// ErrNotFound; files that are present but damaged give a *FileError.
func Load(name, dir string) (*Dataset, error) {
	if dir == "" {
		dir = DefaultDir()
	}
	switch name {
	case "":
		if _, ok := locate(MNIST, dir); ok {
			return Load(MNIST, dir)
		}
		return Embedded()
	case Digits:
		return Embedded()
	case MNIST, FashionMNIST, CIFAR10:
	default:
		return nil, fmt.Errorf("data: unknown dataset %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	d, ok := locate(name, dir)
	if !ok {
		return nil, fmt.Errorf("data: %s: %w in %s (fetch it with \"hw1 data fetch %s\")", name, ErrNotFound, strings.Join(candidates(name, dir), " or "), name)
	}
	var train, test *Set
	var err error
	if name == CIFAR10 {
		if train, err = readCIFARSet(d, cifarTrainFiles); err == nil {
			test, err = readCIFARSet(d, cifarTestFiles)
		}
	} else {
		p, _ := mnistPaths(d)
		if train, err = readIDXSet(p[0], p[1], 10); err == nil {
			test, err = readIDXSet(p[2], p[3], 10)
		}
		if err == nil && !slices.Equal(train.Shape, test.Shape) {
			err = fileErrorf(p[2], "images of shape %v, the training images are %v", test.Shape, train.Shape)
		}
	}
	if err != nil {
		return nil, err
	}
	return &Dataset{Name: name, Source: d, Train: train, Test: test}, nil
}
