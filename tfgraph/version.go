package tfgraph

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	tf "github.com/wamuir/graft/tensorflow"
)

// Version returns the version of the TensorFlow library hw1 is linked against, as
// reported by TF_Version.
func Version() string { return tf.Version() }

// LibraryPath returns the file the TensorFlow C library was loaded from, read from the
// process's memory map, or "" when it cannot be found.
func LibraryPath() string {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 {
			continue
		}
		p := fields[len(fields)-1]
		if base := filepath.Base(p); strings.HasPrefix(base, "libtensorflow") && !strings.Contains(base, "framework") {
			return p
		}
	}
	return ""
}
