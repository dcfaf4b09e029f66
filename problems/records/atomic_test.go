package records

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileAtomic checks that WriteFileAtomic creates and replaces a file with
// mode 0644, leaves no temporary file behind, and fails without touching anything when
// the directory does not exist.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.md")
	for _, c := range []struct {
		name string
		data string
	}{
		{"create", "first\n"},
		{"replace", "second, longer\n"},
		{"replace with empty", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := WriteFileAtomic(path, []byte(c.data)); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.data {
				t.Errorf("file holds %q, want %q", got, c.data)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o644 {
				t.Errorf("mode %v, want 0644", st.Mode().Perm())
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries, want only the file", len(entries))
			}
		})
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "x"), []byte("x")); err == nil {
		t.Error("no error for a directory that does not exist")
	}
}

// TestCopyFile checks that CopyFile copies a file's bytes over an existing file and
// fails on a missing source.
func TestCopyFile(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	want := "records\n\x00binary\xff\n"
	if err := os.WriteFile(src, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, []byte("an older and longer file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CopyFile(src, dst); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("copy holds %q, want %q", got, want)
	}
	if err := CopyFile(filepath.Join(dir, "missing"), dst); err == nil {
		t.Error("no error for a missing source")
	}
}
