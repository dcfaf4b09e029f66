package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// served is a loopback server of fixture files with a request counter.
type served struct {
	*httptest.Server
	hits atomic.Int64
}

// serve starts a loopback server answering each path with handle, or with the file of
// that name from files.
func serve(t *testing.T, files map[string][]byte, handle map[string]http.HandlerFunc) *served {
	t.Helper()
	s := &served{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		name := strings.TrimPrefix(r.URL.Path, "/")
		if h, ok := handle[name]; ok {
			h(w, r)
			return
		}
		b, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

// sum returns the SHA-256 of b in hex.
func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// mnistFixtureFiles returns the four gzipped IDX files of a small MNIST fixture and
// the remote file table that publishes them.
func mnistFixtureFiles(t *testing.T) (fixture, map[string][]byte, []RemoteFile) {
	f := newFixture(11, 6, 4, 28, 28)
	dir := t.TempDir()
	f.write(t, dir, true)
	files := map[string][]byte{}
	var table []RemoteFile
	for _, base := range mnistFiles {
		b, err := os.ReadFile(filepath.Join(dir, base+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		files[base+".gz"] = b
		table = append(table, RemoteFile{Name: base + ".gz", Size: int64(len(b)), SHA256: sum(b)})
	}
	return f, files, table
}

// noLeftovers fails if dir holds a temporary file.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".part") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

func TestFetchMNIST(t *testing.T) {
	noSystemDirs(t)
	f, files, table := mnistFixtureFiles(t)
	srv := serve(t, files, nil)
	dir := t.TempDir()
	var out bytes.Buffer
	fe := &Fetcher{Remotes: map[string]Remote{"mnist": {Mirrors: []string{srv.URL + "/"}, Files: table}}, Progress: &out}
	if err := fe.Fetch(context.Background(), "mnist", dir, ""); err != nil {
		t.Fatal(err)
	}
	for _, rf := range table {
		b, err := os.ReadFile(filepath.Join(dir, "mnist", rf.Name))
		if err != nil || sum(b) != rf.SHA256 {
			t.Fatalf("%s: err %v, sum %s, want %s", rf.Name, err, sum(b), rf.SHA256)
		}
		if !strings.Contains(out.String(), rf.Name+": downloading") || !strings.Contains(out.String(), rf.Name+": "+fmt.Sprint(rf.Size)+" bytes, sha256 ok") {
			t.Fatalf("progress does not report %s:\n%s", rf.Name, out.String())
		}
	}
	noLeftovers(t, dir)
	ds, err := Load("mnist", dir)
	if err != nil {
		t.Fatal(err)
	}
	checkSet(t, ds.Train, []int{28, 28, 1}, f.trainX, f.trainY)

	// A second fetch finds the files with the right sums and downloads nothing.
	hits := srv.hits.Load()
	out.Reset()
	if err := fe.Fetch(context.Background(), "mnist", dir, ""); err != nil {
		t.Fatal(err)
	}
	if srv.hits.Load() != hits || strings.Count(out.String(), "already present") != 4 {
		t.Fatalf("second fetch made %d requests, said:\n%s", srv.hits.Load()-hits, out.String())
	}
}

func TestFetchMirrors(t *testing.T) {
	_, files, table := mnistFixtureFiles(t)
	good := serve(t, files, nil)
	corrupt := map[string][]byte{}
	for k, v := range files {
		c := bytes.Clone(v)
		c[len(c)/2] ^= 0x55
		corrupt[k] = c
	}
	bad := serve(t, corrupt, nil)
	missing := serve(t, nil, nil)
	tests := []struct {
		name    string
		mirrors []string
		mirror  string
		wantErr string // empty for success
		sumErr  bool   // whether the error wraps ErrChecksum
	}{
		{"first mirror missing, second good", []string{missing.URL, good.URL}, "", "", false},
		{"first mirror corrupt, second good", []string{bad.URL + "/", good.URL + "/"}, "", "", false},
		{"mirror flag replaces the list", []string{bad.URL}, good.URL, "", false},
		{"only a corrupt mirror", []string{good.URL}, bad.URL, "checksum mismatch", true},
		{"only a missing mirror", []string{missing.URL}, "", "404 Not Found", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var out bytes.Buffer
			fe := &Fetcher{Remotes: map[string]Remote{"mnist": {Mirrors: tc.mirrors, Files: table}}, Progress: &out}
			err := fe.Fetch(context.Background(), "mnist", dir, tc.mirror)
			noLeftovers(t, dir)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), table[0].Name) || errors.Is(err, ErrChecksum) != tc.sumErr {
				t.Fatalf("error %v, want one naming %s and containing %q", err, table[0].Name, tc.wantErr)
			}
			if _, err := os.Stat(filepath.Join(dir, "mnist", table[0].Name)); !os.IsNotExist(err) {
				t.Fatalf("a refused file was kept: %v", err)
			}
		})
	}
}

func TestFetchBrokenServers(t *testing.T) {
	_, files, table := mnistFixtureFiles(t)
	body := files[table[0].Name]
	handlers := map[string]http.HandlerFunc{
		"stops-mid-file": func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(body))
			buf.Write(body[:len(body)/2])
			buf.Flush()
		},
		"says-less": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)-1))
			w.Write(body[:len(body)-1])
		},
		"sends-more": func(w http.ResponseWriter, r *http.Request) {
			w.(http.Flusher).Flush() // chunked: no Content-Length
			w.Write(append(bytes.Clone(body), make([]byte, 1000)...))
		},
	}
	tests := []struct {
		name string
		path string
		size int64 // the size in the table; 0 for unknown
		want string
	}{
		{"connection closed mid-file", "stops-mid-file", int64(len(body)), "unexpected EOF"},
		{"connection closed mid-file, size unknown", "stops-mid-file", 0, "unexpected EOF"},
		{"announces fewer bytes", "says-less", int64(len(body)), "server announces"},
		{"announces fewer bytes, size unknown", "says-less", 0, "checksum mismatch"},
		{"sends more bytes", "sends-more", int64(len(body)), "more than"},
		{"sends more bytes, size unknown", "sends-more", 0, "checksum mismatch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, nil, map[string]http.HandlerFunc{table[0].Name: handlers[tc.path]})
			dir := t.TempDir()
			rf := table[0]
			rf.Size = tc.size
			fe := &Fetcher{Remotes: map[string]Remote{"mnist": {Mirrors: []string{srv.URL}, Files: []RemoteFile{rf}}}}
			err := fe.Fetch(context.Background(), "mnist", dir, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), rf.Name) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, rf.Name, tc.want)
			}
			noLeftovers(t, dir)
			if _, err := os.Stat(filepath.Join(dir, "mnist", rf.Name)); !os.IsNotExist(err) {
				t.Fatalf("a partial file was kept: %v", err)
			}
		})
	}
}

func TestFetchCancel(t *testing.T) {
	_, files, table := mnistFixtureFiles(t)
	body := files[table[0].Name]
	release := make(chan struct{})
	defer close(release)
	srv := serve(t, nil, map[string]http.HandlerFunc{table[0].Name: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body[:10])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		case <-time.After(10 * time.Second):
		}
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	dir := t.TempDir()
	fe := &Fetcher{Remotes: map[string]Remote{"mnist": {Mirrors: []string{srv.URL, srv.URL}, Files: table}}}
	start := time.Now()
	err := fe.Fetch(ctx, "mnist", dir, "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want one wrapping the context's deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("cancelled fetch took %v", d)
	}
	if strings.Count(err.Error(), srv.URL) != 1 {
		t.Fatalf("tried another mirror after cancellation: %v", err)
	}
	noLeftovers(t, dir)
}

// cifarArchive returns a gzipped tar like cifar-10-binary.tar.gz holding small batches,
// plus members that must be ignored.
func cifarArchive(t *testing.T, n int) (archive, train, test []byte) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	add := func(name string, typ byte, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: typ, Size: int64(len(b)), Mode: 0o644}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	add("cifar-10-batches-bin/", tar.TypeDir, nil)
	for i, f := range cifarTrainFiles {
		b := cifarBytes(uint64(20+i), n)
		train = append(train, b...)
		add("cifar-10-batches-bin/"+f, tar.TypeReg, b)
	}
	test = cifarBytes(30, n)
	add("cifar-10-batches-bin/test_batch.bin", tar.TypeReg, test)
	add("cifar-10-batches-bin/batches.meta.txt", tar.TypeReg, []byte("airplane\nautomobile\n"))
	add("../../escape.txt", tar.TypeReg, []byte("must not be written"))
	if err := tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), train, test
}

func TestFetchCIFAR(t *testing.T) {
	archive, train, test := cifarArchive(t, 2)
	remote := func(url string, b []byte) map[string]Remote {
		r := Remotes()["cifar10"]
		r.Mirrors = []string{url}
		r.Files = []RemoteFile{{Name: r.Files[0].Name, Size: int64(len(b)), SHA256: sum(b)}}
		return map[string]Remote{"cifar10": r}
	}
	t.Run("extracts the batches", func(t *testing.T) {
		srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive}, nil)
		root := t.TempDir()
		dir := filepath.Join(root, "data")
		var out bytes.Buffer
		fe := &Fetcher{Remotes: remote(srv.URL, archive), Progress: &out}
		if err := fe.Fetch(context.Background(), "cifar10", dir, ""); err != nil {
			t.Fatal(err)
		}
		noLeftovers(t, root)
		if _, err := os.Stat(filepath.Join(dir, "cifar10", "cifar-10-binary.tar.gz")); !os.IsNotExist(err) {
			t.Fatalf("archive kept after extraction: %v", err)
		}
		for _, p := range []string{filepath.Join(root, "escape.txt"), filepath.Join(dir, "escape.txt"), filepath.Join(dir, "cifar10", "cifar-10-batches-bin", "link")} {
			if _, err := os.Lstat(p); !os.IsNotExist(err) {
				t.Fatalf("extracted a member it should ignore: %s", p)
			}
		}
		ds, err := Load("cifar10", dir)
		if err != nil {
			t.Fatal(err)
		}
		pix, labels := splitCIFAR(train)
		checkSet(t, ds.Train, []int{32, 32, 3}, pix, labels)
		pix, labels = splitCIFAR(test)
		checkSet(t, ds.Test, []int{32, 32, 3}, pix, labels)
		hits := srv.hits.Load()
		if err := fe.Fetch(context.Background(), "cifar10", dir, ""); err != nil || srv.hits.Load() != hits {
			t.Fatalf("second fetch: %v after %d requests, want none", err, srv.hits.Load()-hits)
		}
	})
	t.Run("archive lacking a batch", func(t *testing.T) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/data_batch_1.bin", Typeflag: tar.TypeReg, Size: cifarRecord, Mode: 0o644})
		tw.Write(cifarBytes(1, 1))
		tw.Close()
		zw.Close()
		b := buf.Bytes()
		srv := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": b}, nil)
		dir := t.TempDir()
		err := (&Fetcher{Remotes: remote(srv.URL, b)}).Fetch(context.Background(), "cifar10", dir, "")
		if err == nil || !strings.Contains(err.Error(), "has no member data_batch_2.bin") {
			t.Fatalf("error %v, want one naming the missing batch", err)
		}
		noLeftovers(t, dir)
	})
}

func TestFetchErrors(t *testing.T) {
	tests := []struct {
		name    string
		remotes map[string]Remote
		set     string
		want    string
	}{
		{"unknown dataset", nil, "imagenet", `cannot fetch "imagenet"`},
		{"digits are embedded", nil, "digits", `cannot fetch "digits"`},
		{"no checksum", map[string]Remote{"mnist": {Mirrors: []string{"http://127.0.0.1:1/"}, Files: []RemoteFile{{Name: "a.gz"}}}}, "mnist", "no published checksum"},
		{"no mirror", map[string]Remote{"mnist": {Files: []RemoteFile{{Name: "a.gz", SHA256: "00"}}}}, "mnist", "no mirror"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := (&Fetcher{Remotes: tc.remotes}).Fetch(context.Background(), tc.set, t.TempDir(), "")
			if err == nil || !strings.HasPrefix(err.Error(), "data: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestRemotesTable checks the published sources: every dataset on disk has one, every
// file a SHA-256 sum and a size, every mirror a base URL.
func TestRemotesTable(t *testing.T) {
	hexSum := regexp.MustCompile(`^[0-9a-f]{64}$`)
	r := Remotes()
	if len(Names()) < 2 {
		t.Fatalf("Names() = %v: no downloadable dataset", Names())
	}
	for _, name := range Names()[1:] {
		rem, ok := r[name]
		if !ok {
			t.Fatalf("no remote for %s", name)
		}
		for _, m := range rem.Mirrors {
			if !strings.HasPrefix(m, "http://") && !strings.HasPrefix(m, "https://") || !strings.HasSuffix(m, "/") {
				t.Errorf("%s: mirror %q is not a base URL", name, m)
			}
		}
		for _, f := range rem.Files {
			if !hexSum.MatchString(f.SHA256) || f.Size <= 0 {
				t.Errorf("%s: %s has sum %q and size %d", name, f.Name, f.SHA256, f.Size)
			}
		}
	}
	if n := len(r["mnist"].Files); n != 4 {
		t.Fatalf("mnist has %d files, want 4", n)
	}
	if got := r["mnist"].Files[3].SHA256; got != "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6" {
		t.Errorf("t10k-labels sum %s", got)
	}
}

func TestSizeString(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{-1, "an unknown number of bytes"},
		{999, "999 B"},
		{28881, "28.9 kB"},
		{9912422, "9.9 MB"},
		{1_700_000_000, "1.70 GB"},
	}
	for _, tc := range tests {
		if got := sizeString(tc.n); got != tc.want {
			t.Errorf("sizeString(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestPlainProgress(t *testing.T) {
	tests := []struct {
		name   string
		size   int64
		writes []int
		want   []string
	}{
		{"known size", 1000, []int{50, 60, 500, 389, 1}, []string{
			"f: downloading 1.0 kB", "f:  11% (110 B of 1.0 kB)", "f:  61% (610 B of 1.0 kB)", "f:  99% (999 B of 1.0 kB)"}},
		{"unknown size", -1, []int{5 << 20, 6 << 20, 20 << 20}, []string{
			"f: downloading an unknown number of bytes", "f: 11.5 MB", "f: 32.5 MB"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			p := newProgress(&out, "f", tc.size)
			for _, n := range tc.writes {
				if k, err := p.Write(make([]byte, n)); k != n || err != nil {
					t.Fatalf("Write(%d) = %d, %v", n, k, err)
				}
			}
			p.finish(true)
			if got := strings.Split(strings.TrimSpace(out.String()), "\n"); !slices.Equal(got, tc.want) {
				t.Fatalf("progress lines\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
	if p := newProgress(nil, "f", 10); p.bar != nil || !p.quiet {
		t.Fatal("a nil writer must give a quiet progress")
	}
}

func TestFetchStalledMirror(t *testing.T) {
	_, files, table := mnistFixtureFiles(t)
	good := serve(t, files, nil)
	body := files[table[0].Name]
	// The stalled mirror holds each request until the client gives up on it (or, should
	// the client never give up, for a minute); gaveUp counts the requests the client
	// cancelled. The stall limit is long enough that a loaded machine does not make
	// the good mirror look stalled, and the test waits on the cancellation, not on a
	// clock.
	var gaveUp atomic.Int32
	wait := func(r *http.Request) {
		select {
		case <-r.Context().Done():
			gaveUp.Add(1)
		case <-time.After(time.Minute):
		}
	}
	handlers := map[string]http.HandlerFunc{
		"silent": func(w http.ResponseWriter, r *http.Request) { wait(r) },
		"stops": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Write(body[:100])
			w.(http.Flusher).Flush()
			wait(r)
		},
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			gaveUp.Store(0)
			stalled := serve(t, nil, map[string]http.HandlerFunc{table[0].Name: h})
			dir := t.TempDir()
			var out bytes.Buffer
			fe := &Fetcher{
				Remotes:  map[string]Remote{"mnist": {Mirrors: []string{stalled.URL, good.URL}, Files: table[:1]}},
				Progress: &out,
				Stall:    2 * time.Second,
			}
			if err := fe.Fetch(context.Background(), "mnist", dir, ""); err != nil {
				t.Fatal(err)
			}
			stalled.Close() // returns once the handler has returned
			if n := gaveUp.Load(); n < 1 {
				t.Fatalf("the client never gave up on the stalled mirror (%d cancelled requests)", n)
			}
			if !strings.Contains(out.String(), stalled.URL+"/"+table[0].Name+": stalled: nothing received for 2s") {
				t.Fatalf("progress does not report the stall:\n%s", out.String())
			}
			noLeftovers(t, dir)
		})
	}
}

// TestFetchDefaults exercises the package-level Fetch with the published sums against a
// loopback mirror, which cannot match them, and the default directory.
func TestFetchDefaults(t *testing.T) {
	_, files, table := mnistFixtureFiles(t)
	srv := serve(t, files, nil)
	dir := t.TempDir()
	t.Setenv("HW1_DATA_DIR", dir)
	err := Fetch(context.Background(), "mnist", "", srv.URL, nil)
	if err == nil || !strings.Contains(err.Error(), "server announces") || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("error %v, want the published size to refuse the fixture from %s", err, srv.URL)
	}
	if _, err := os.Stat(filepath.Join(dir, "mnist")); err != nil {
		t.Fatalf("Fetch with an empty dir did not use DefaultDir: %v", err)
	}
	fe := &Fetcher{Remotes: map[string]Remote{"mnist": {Mirrors: []string{srv.URL}, Files: table}}}
	if err := fe.Fetch(context.Background(), "mnist", "", ""); err != nil {
		t.Fatal(err)
	}
	if found := Present(""); !found[1].Present || found[1].Path != filepath.Join(dir, "mnist") {
		t.Fatalf("Present after fetching into DefaultDir: %v", found)
	}
}
