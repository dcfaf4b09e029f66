package data

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
)

// progress reports the bytes of one download: a progress bar on a terminal, plain
// lines at every tenth of the size (or every 10 MB when the size is unknown)
// elsewhere, nothing without a writer. It is an io.Writer that counts what it is given.
type progress struct {
	w     io.Writer
	name  string
	size  int64
	n     int64
	next  int64
	bar   *progressbar.ProgressBar
	quiet bool
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newProgress returns the progress of a download of size bytes (<= 0 when unknown).
func newProgress(w io.Writer, name string, size int64) *progress {
	p := &progress{w: w, name: name, size: size, quiet: w == nil}
	switch {
	case p.quiet:
	case isTerminal(w):
		max := size
		if max <= 0 {
			max = -1
		}
		p.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(name),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		)
	default:
		fmt.Fprintf(w, "%s: downloading %s\n", name, sizeString(size))
		p.next = p.step()
	}
	return p
}

// step returns the number of bytes between two plain progress lines.
func (p *progress) step() int64 {
	if p.size > 0 {
		return max(1, p.size/10)
	}
	return 10 << 20
}

// Write counts len(b) bytes; it never fails.
func (p *progress) Write(b []byte) (int, error) {
	p.n += int64(len(b))
	switch {
	case p.quiet:
	case p.bar != nil:
		p.bar.Add64(int64(len(b)))
	default:
		if p.n >= p.next && (p.size <= 0 || p.n < p.size) {
			if p.size > 0 {
				fmt.Fprintf(p.w, "%s: %3d%% (%s of %s)\n", p.name, p.n*100/p.size, sizeString(p.n), sizeString(p.size))
			} else {
				fmt.Fprintf(p.w, "%s: %s\n", p.name, sizeString(p.n))
			}
			p.next = (p.n/p.step() + 1) * p.step()
		}
	}
	return len(b), nil
}

// finish ends the bar, if any.
func (p *progress) finish(ok bool) {
	if p.bar != nil {
		if ok {
			p.bar.Finish()
		} else {
			p.bar.Exit()
		}
	}
}

// sizeString formats a byte count for people, e.g. "9.9 MB".
func sizeString(n int64) string {
	switch {
	case n < 0:
		return "an unknown number of bytes"
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}
