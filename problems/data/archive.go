package data

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// extractMembers extracts from the gzipped tar archive the regular files whose base
// names are in members into dir, each through a temporary file. Paths inside the
// archive only select members; nothing is written outside dir.
func extractMembers(archive, dir string, members []string) error {
	fh, err := os.Open(archive)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return fileErrorf(archive, "not a gzip archive: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	tr := tar.NewReader(zr)
	done := map[string]bool{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fileErrorf(archive, "reading tar: %v", err)
		}
		base := path.Base(path.Clean(hdr.Name))
		if hdr.Typeflag != tar.TypeReg || !slices.Contains(members, base) || done[base] {
			continue
		}
		if hdr.Size < 0 || hdr.Size > maxDataBytes {
			return fileErrorf(archive, "member %s claims %d bytes", hdr.Name, hdr.Size)
		}
		err = writeAtomic(filepath.Join(dir, base), func(w io.Writer) error {
			n, err := io.Copy(w, io.LimitReader(tr, hdr.Size))
			if err != nil {
				return err
			}
			if n != hdr.Size {
				return fmt.Errorf("got %d bytes, want %d", n, hdr.Size)
			}
			return nil
		})
		if err != nil {
			return fileErrorf(archive, "extracting %s: %v", hdr.Name, err)
		}
		done[base] = true
	}
	for _, m := range members {
		if !done[m] {
			return fileErrorf(archive, "archive has no member %s", m)
		}
	}
	return nil
}
