package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ErrChecksum is wrapped by the errors of Fetch for a download whose SHA-256 sum
// differs from the published one. The downloaded file is removed.
var ErrChecksum = errors.New("checksum mismatch")

// maxDownload bounds a download whose size is not known in advance, in bytes.
const maxDownload = 2_000_000_000

// RemoteFile is one published file of a dataset.
type RemoteFile struct {
	Name   string // the file name, appended to a mirror's base URL and kept on disk
	Size   int64  // the size in bytes; 0 when unknown
	SHA256 string // the published SHA-256 sum, lower-case hex; required
}

// Remote tells where a dataset is published.
type Remote struct {
	Mirrors []string     // base URLs, tried in order until one serves a file whose sum is right
	Files   []RemoteFile // the files to fetch
	// Members, when set, makes Files[0] a gzipped tar archive: the regular files of
	// the archive with these base names are extracted into the dataset's directory
	// and the archive is removed. Every member must be present.
	Members []string
}

// Remotes returns the official sources of the datasets Fetch knows, keyed by dataset
// name, with sizes and SHA-256 sums as published in TensorFlow Datasets' checksum
// lists (the publishers themselves give MD5 sums only). Each call returns a fresh map.
func Remotes() map[string]Remote {
	return map[string]Remote{
		MNIST: {
			Mirrors: []string{
				"https://storage.googleapis.com/cvdf-datasets/mnist/",
				"https://ossci-datasets.s3.amazonaws.com/mnist/",
			},
			Files: gzippedIDX(
				[4]int64{9912422, 28881, 1648877, 4542},
				[4]string{
					"440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
					"3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
					"8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
					"f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
				}),
		},
		FashionMNIST: {
			Mirrors: []string{"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"},
			Files: gzippedIDX(
				[4]int64{26421880, 29515, 4422102, 5148},
				[4]string{
					"3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
					"a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
					"346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
					"67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
				}),
		},
		CIFAR10: {
			Mirrors: []string{"https://www.cs.toronto.edu/~kriz/"},
			Files: []RemoteFile{
				{"cifar-10-binary.tar.gz", 170052171, "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"},
			},
			Members: slices.Concat(cifarTrainFiles, cifarTestFiles, []string{"batches.meta.txt"}),
		},
	}
}

// gzippedIDX returns the remote files of a dataset published as MNIST is: the gzipped
// IDX files of mnistFiles, in their order, with their sizes and SHA-256 sums.
func gzippedIDX(sizes [4]int64, sums [4]string) []RemoteFile {
	files := make([]RemoteFile, len(mnistFiles))
	for i, name := range mnistFiles {
		files[i] = RemoteFile{Name: name + ".gz", Size: sizes[i], SHA256: sums[i]}
	}
	return files
}

// defaultStall is how long a download may go without receiving a byte.
const defaultStall = 60 * time.Second

// Fetcher downloads datasets. Its zero value uses http.DefaultClient, the sources of
// Remotes, a 60-second stall limit and no progress output.
type Fetcher struct {
	Client   *http.Client      // nil means http.DefaultClient
	Remotes  map[string]Remote // nil means Remotes()
	Progress io.Writer         // where progress goes; nil means nowhere
	// Stall is how long a mirror may send nothing (no response, or no byte of the
	// body) before it is given up for the next one; 0 means 60 seconds.
	Stall time.Duration
}

// Fetch downloads the dataset name ("mnist", "fashion-mnist" or "cifar10") into its
// folder under dir (DefaultDir when empty) with the default Fetcher, writing progress
// to progress (nil for none). See Fetcher.Fetch.
func Fetch(ctx context.Context, name, dir, mirror string, progress io.Writer) error {
	return (&Fetcher{Progress: progress}).Fetch(ctx, name, dir, mirror)
}

// Fetch downloads the dataset name into its folder under dir (DefaultDir when empty):
// dir/mnist, dir/fashion-mnist or dir/cifar10/cifar-10-batches-bin, where Load looks.
// A non-empty mirror is a base URL that replaces the published mirrors.
//
// Every file is written to a temporary file in the same folder, its SHA-256 sum is
// checked, and only then is it renamed into place; a file whose sum differs is removed
// and the next mirror tried. Files already present with the right sum are kept. The
// error names the file and what went wrong at each mirror; a checksum mismatch wraps
// ErrChecksum, and a cancelled ctx wraps ctx.Err().
func (f *Fetcher) Fetch(ctx context.Context, name, dir, mirror string) error {
	remotes := f.Remotes
	if remotes == nil {
		remotes = Remotes()
	}
	r, ok := remotes[name]
	if !ok {
		known := make([]string, 0, len(remotes))
		for k := range remotes {
			known = append(known, k)
		}
		slices.Sort(known)
		return fmt.Errorf("data: cannot fetch %q (want one of %s)", name, strings.Join(known, ", "))
	}
	if dir == "" {
		dir = DefaultDir()
	}
	mirrors := r.Mirrors
	if mirror != "" {
		mirrors = []string{mirror}
	}
	if len(mirrors) == 0 {
		return fmt.Errorf("data: no mirror for %s", name)
	}
	dest := fetchDir(name, dir)
	fileDir := dest
	if len(r.Members) > 0 {
		if len(r.Files) != 1 {
			return fmt.Errorf("data: %s: an archive source needs exactly one file, has %d", name, len(r.Files))
		}
		if hasAll(dest, r.Members) {
			f.printf("%s: already present in %s\n", name, dest)
			return nil
		}
		fileDir = filepath.Dir(dest)
	}
	if err := os.MkdirAll(fileDir, 0o755); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	for _, rf := range r.Files {
		if err := f.fetchFile(ctx, mirrors, fileDir, rf); err != nil {
			return err
		}
	}
	if len(r.Members) > 0 {
		archive := filepath.Join(fileDir, r.Files[0].Name)
		if err := extractMembers(archive, dest, r.Members); err != nil {
			return err
		}
		if err := os.Remove(archive); err != nil {
			return fmt.Errorf("data: %w", err)
		}
		f.printf("%s: extracted %d files into %s\n", name, len(r.Members), dest)
	}
	return nil
}

// printf writes a progress line, if there is a progress writer.
func (f *Fetcher) printf(format string, args ...any) {
	if f.Progress != nil {
		fmt.Fprintf(f.Progress, format, args...)
	}
}

// hasAll reports whether dir holds a regular file of every name.
func hasAll(dir string, names []string) bool {
	for _, n := range names {
		if !isFile(filepath.Join(dir, n)) {
			return false
		}
	}
	return true
}

// mirrorErrors collects the failure at each mirror of one file.
type mirrorErrors []error

func (m mirrorErrors) Error() string {
	s := make([]string, len(m))
	for i, e := range m {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

func (m mirrorErrors) Unwrap() []error { return m }

// fetchFile makes dir/rf.Name a verified copy of rf, trying each mirror in turn.
func (f *Fetcher) fetchFile(ctx context.Context, mirrors []string, dir string, rf RemoteFile) error {
	if rf.SHA256 == "" {
		return fmt.Errorf("data: %s: no published checksum to verify it against", rf.Name)
	}
	dst := filepath.Join(dir, rf.Name)
	if sum, err := fileSHA256(dst); err == nil && sum == rf.SHA256 {
		f.printf("%s: already present, sha256 ok\n", dst)
		return nil
	}
	var errs mirrorErrors
	for _, m := range mirrors {
		url := strings.TrimSuffix(m, "/") + "/" + rf.Name
		err := f.download(ctx, url, dst, rf)
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", url, err))
		if ctx.Err() != nil {
			break
		}
		f.printf("%s: %v\n", url, err)
	}
	return fmt.Errorf("data: fetching %s failed: %w", rf.Name, errs)
}

// download fetches url into dst through a temporary file, checking size and sum.
func (f *Fetcher) download(parent context.Context, url, dst string, rf RemoteFile) (err error) {
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	stall := f.Stall
	if stall <= 0 {
		stall = defaultStall
	}
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	errStalled := fmt.Errorf("stalled: nothing received for %v", stall)
	watchdog := time.AfterFunc(stall, func() { cancel(errStalled) })
	defer watchdog.Stop()
	defer func() {
		if err != nil && parent.Err() == nil && context.Cause(ctx) == errStalled {
			err = errStalled
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("server answered %s", resp.Status)
	}
	if rf.Size > 0 && resp.ContentLength >= 0 && resp.ContentLength != rf.Size {
		return fmt.Errorf("server announces %d bytes, want %d", resp.ContentLength, rf.Size)
	}
	limit := int64(maxDownload)
	if rf.Size > 0 {
		limit = rf.Size
	}
	size := rf.Size
	if size <= 0 {
		size = resp.ContentLength
	}
	var n int64
	err = writeAtomic(dst, func(w io.Writer) error {
		h := sha256.New()
		bar := newProgress(f.Progress, filepath.Base(dst), size)
		body := &watchedReader{r: resp.Body, watchdog: watchdog, stall: stall}
		var err error
		n, err = io.Copy(io.MultiWriter(w, h, bar), io.LimitReader(body, limit+1))
		bar.finish(err == nil)
		switch {
		case err != nil && parent.Err() != nil:
			return fmt.Errorf("after %d bytes: %w", n, parent.Err())
		case err != nil:
			return fmt.Errorf("after %d bytes: %w", n, err)
		case n > limit:
			return fmt.Errorf("more than the %d bytes expected", limit)
		case rf.Size > 0 && n != rf.Size:
			return fmt.Errorf("got %d bytes, want %d", n, rf.Size)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != rf.SHA256 {
			return fmt.Errorf("%w: sha256 %s, want %s; file refused and removed", ErrChecksum, got, rf.SHA256)
		}
		return nil
	})
	if err != nil {
		return err
	}
	syncDir(filepath.Dir(dst))
	f.printf("%s: %d bytes, sha256 ok\n", dst, n)
	return nil
}

// watchedReader restarts a watchdog timer whenever a read returns data.
type watchedReader struct {
	r        io.Reader
	watchdog *time.Timer
	stall    time.Duration
}

func (w *watchedReader) Read(b []byte) (int, error) {
	n, err := w.r.Read(b)
	if n > 0 {
		w.watchdog.Reset(w.stall)
	}
	return n, err
}

// syncDir flushes a directory's entries to disk, best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// fileSHA256 returns the SHA-256 sum of a file in lower-case hex.
func fileSHA256(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeAtomic creates path from what fill writes into a temporary file in the same
// directory: synced and renamed into place when fill succeeds, removed when it fails.
func writeAtomic(path string, fill func(w io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
