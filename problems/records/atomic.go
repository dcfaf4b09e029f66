package records

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes data to path (mode 0644) through a temporary file in the same
// directory, synced to stable storage and then renamed over path, so that readers see
// either the old file or the new one, never a mixture. On failure path is untouched
// and the temporary file is removed.
func WriteFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("records: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("records: %w", err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("records: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("records: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("records: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("records: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename durable where supported
		d.Sync()
		d.Close()
	}
	return nil
}

// CopyFile copies the file src to dst (mode 0644 when it creates it), replacing what
// dst held. It is not atomic: a failure can leave dst partly written.
func CopyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err == nil {
		err = os.WriteFile(dst, data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("records: %w", err)
	}
	return nil
}
