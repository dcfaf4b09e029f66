package data

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDefaultDir(t *testing.T) {
	tests := []struct {
		name           string
		hw1, xdg, home string
		want           string
	}{
		{"HW1_DATA_DIR wins", "/d/hw1data", "/x", "/h", "/d/hw1data"},
		{"XDG_DATA_HOME", "", "/x", "/h", "/x/hw1"},
		{"home", "", "", "/h", "/h/.local/share/hw1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HW1_DATA_DIR", tc.hw1)
			t.Setenv("XDG_DATA_HOME", tc.xdg)
			t.Setenv("HOME", tc.home)
			if got := DefaultDir(); got != tc.want {
				t.Fatalf("DefaultDir() = %q, want %q", got, tc.want)
			}
		})
	}
}

// noSystemDirs hides the system dataset directories for the test.
func noSystemDirs(t *testing.T) {
	saved := SystemDirs
	SystemDirs = map[string][]string{}
	t.Cleanup(func() { SystemDirs = saved })
}

func TestLoadMNISTLayouts(t *testing.T) {
	noSystemDirs(t)
	f := newFixture(7, 12, 5, 6, 6)
	for _, tc := range []struct {
		name string
		set  string
		gz   bool
	}{
		{"mnist gzip", "mnist", true},
		{"mnist raw", "mnist", false},
		{"fashion-mnist gzip", "fashion-mnist", true},
		{"fashion-mnist raw", "fashion-mnist", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			f.write(t, filepath.Join(dir, tc.set), tc.gz)
			ds, err := Load(tc.set, dir)
			if err != nil {
				t.Fatal(err)
			}
			if ds.Name != tc.set || ds.Source != filepath.Join(dir, tc.set) {
				t.Fatalf("Name=%q Source=%q", ds.Name, ds.Source)
			}
			checkSet(t, ds.Train, []int{6, 6, 1}, f.trainX, f.trainY)
			checkSet(t, ds.Test, []int{6, 6, 1}, f.testX, f.testY)
		})
	}
}

func TestLoadDefault(t *testing.T) {
	noSystemDirs(t)
	t.Run("embedded without MNIST", func(t *testing.T) {
		ds, err := Load("", t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if ds.Name != "digits" || ds.Source != "embedded" || ds.Train.N != 8000 || ds.Test.N != 2000 {
			t.Fatalf("Load(\"\") = %s from %s with %d/%d, want the embedded digits", ds.Name, ds.Source, ds.Train.N, ds.Test.N)
		}
	})
	t.Run("MNIST when present", func(t *testing.T) {
		dir := t.TempDir()
		newFixture(3, 4, 2, 28, 28).write(t, filepath.Join(dir, "mnist"), true)
		ds, err := Load("", dir)
		if err != nil {
			t.Fatal(err)
		}
		if ds.Name != "mnist" || ds.Train.N != 4 || ds.Test.N != 2 {
			t.Fatalf("Load(\"\") = %s with %d/%d, want the fixture MNIST 4/2", ds.Name, ds.Train.N, ds.Test.N)
		}
	})
	t.Run("damaged MNIST is an error, not a fallback", func(t *testing.T) {
		dir := t.TempDir()
		newFixture(3, 4, 2, 28, 28).write(t, filepath.Join(dir, "mnist"), true)
		bad := filepath.Join(dir, "mnist", "t10k-labels-idx1-ubyte.gz")
		if err := os.WriteFile(bad, []byte("garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load("", dir)
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Fatalf("error %v, want one naming %s", err, bad)
		}
	})
	t.Run("empty dir means DefaultDir", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv("HW1_DATA_DIR", dir)
		newFixture(3, 4, 2, 28, 28).write(t, filepath.Join(dir, "mnist"), false)
		ds, err := Load("", "")
		if err != nil {
			t.Fatal(err)
		}
		if ds.Name != "mnist" || ds.Source != filepath.Join(dir, "mnist") {
			t.Fatalf("Load(\"\", \"\") = %s from %s, want mnist from %s", ds.Name, ds.Source, dir)
		}
	})
}

func TestLoadErrors(t *testing.T) {
	noSystemDirs(t)
	dir := t.TempDir()
	tests := []struct {
		name     string
		set      string
		notFound bool
		want     string
	}{
		{"unknown name", "imagenet", false, `unknown dataset "imagenet"`},
		{"mnist missing", "mnist", true, "hw1 data fetch mnist"},
		{"fashion-mnist missing", "fashion-mnist", true, filepath.Join(dir, "fashion-mnist")},
		{"cifar10 missing", "cifar10", true, filepath.Join(dir, "cifar10")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.set, dir)
			if err == nil || !strings.HasPrefix(err.Error(), "data: ") || !strings.Contains(err.Error(), tc.want) || errors.Is(err, ErrNotFound) != tc.notFound {
				t.Fatalf("Load(%q) error %v, want one containing %q (not found: %v)", tc.set, err, tc.want, tc.notFound)
			}
		})
	}
	t.Run("partial MNIST", func(t *testing.T) {
		dir := t.TempDir()
		newFixture(1, 2, 2, 3, 3).write(t, filepath.Join(dir, "mnist"), true)
		os.Remove(filepath.Join(dir, "mnist", "t10k-images-idx3-ubyte.gz"))
		if _, err := Load("mnist", dir); !errors.Is(err, ErrNotFound) {
			t.Fatalf("error %v, want ErrNotFound for three of four files", err)
		}
	})
	t.Run("test images of another shape", func(t *testing.T) {
		dir := t.TempDir()
		d := filepath.Join(dir, "mnist")
		newFixture(1, 2, 2, 3, 3).write(t, d, false)
		b := idxBytes(t, []int{2, 4, 4}, make([]byte, 32))
		if err := os.WriteFile(filepath.Join(d, "t10k-images-idx3-ubyte"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load("mnist", dir); err == nil || !strings.Contains(err.Error(), "t10k-images-idx3-ubyte") {
			t.Fatalf("error %v, want one naming the test images", err)
		}
	})
}

func TestPresent(t *testing.T) {
	dir := t.TempDir()
	sys := t.TempDir()
	saved := SystemDirs
	SystemDirs = map[string][]string{"fashion-mnist": {sys}}
	t.Cleanup(func() { SystemDirs = saved })
	newFixture(1, 2, 2, 3, 3).write(t, filepath.Join(dir, "mnist"), true)
	newFixture(2, 2, 2, 3, 3).write(t, sys, true)
	got := Present(dir)
	want := []Found{
		{"digits", "embedded", true},
		{"mnist", filepath.Join(dir, "mnist"), true},
		{"fashion-mnist", sys, true},
		{"cifar10", filepath.Join(dir, "cifar10", "cifar-10-batches-bin"), false},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Present = %v, want %v", got, want)
	}
	ds, err := Load("fashion-mnist", dir)
	if err != nil || ds.Source != sys {
		t.Fatalf("Load(fashion-mnist) from %v, %v; want it from the system dir %s", ds, err, sys)
	}
	if names := Names(); !slices.Equal(names, []string{"digits", "mnist", "fashion-mnist", "cifar10"}) {
		t.Fatalf("Names() = %v", names)
	}
}

// TestDebianFashionMNIST loads the full Fashion-MNIST of Debian's dataset-fashion-mnist
// package when it is installed.
func TestDebianFashionMNIST(t *testing.T) {
	const d = "/usr/share/datasets/fashion-mnist"
	if testing.Short() {
		t.Skip("reads 30 MB; skipped with -short")
	}
	if _, ok := mnistPaths(d); !ok {
		missingDependency(t, "Debian's dataset-fashion-mnist")
	}
	ds, err := Load("fashion-mnist", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if ds.Source != d || ds.Train.N != 60000 || ds.Test.N != 10000 || ds.Train.Dim() != 784 {
		t.Fatalf("Fashion-MNIST from %s: %d/%d examples of %v, want 60000/10000 of [28 28 1] from %s", ds.Source, ds.Train.N, ds.Test.N, ds.Train.Shape, d)
	}
	var counts [10]int
	for _, l := range ds.Test.Labels {
		counts[l]++
	}
	for c, n := range counts {
		if n != 1000 {
			t.Fatalf("test class %d has %d examples, want 1000 (counts %v)", c, n, counts)
		}
	}
}

// missingDependency skips t for want of what, except under CI=true, where every test
// dependency must be installed (make test-deps) and a missing one fails the test.
func missingDependency(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI=true requires it (make test-deps installs it)", what)
	}
	t.Skipf("%s is missing (make test-deps installs it)", what)
}
