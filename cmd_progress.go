package main

import (
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"hw1/problems"
)

// newProgress returns progress bars with rate and ETA when w is a terminal, and plain
// log lines at most every 10 seconds otherwise (CI, files).
func newProgress(w io.Writer, log *slog.Logger) problems.ProgressFunc {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return func(total int, desc string) problems.Progress {
			b := &bar{w: w, total: total, desc: desc}
			b.SetUnit("epoch")
			return b
		}
	}
	return func(total int, desc string) problems.Progress {
		return &logProgress{log: log, total: total, desc: desc, start: time.Now(), last: time.Now()}
	}
}

// bar is a progress bar on a terminal; it implements problems.UnitSetter.
type bar struct {
	b     *progressbar.ProgressBar
	w     io.Writer
	total int
	desc  string
}

// SetUnit makes the bar anew with unit in its rate ("12 column/s"); nothing has been
// drawn before the first Add.
func (b *bar) SetUnit(unit string) {
	b.b = progressbar.NewOptions(b.total,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(b.desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (b *bar) Add(n int)         { b.b.Add(n) }
func (b *bar) Describe(s string) { b.b.Describe(s) }
func (b *bar) Close()            { b.b.Finish() }

// logProgress writes a line at most every 10 seconds, and one at the end.
type logProgress struct {
	log         *slog.Logger
	total, done int
	desc        string
	start, last time.Time
}

func (p *logProgress) Add(n int) {
	p.done += n
	if time.Since(p.last) >= 10*time.Second {
		p.last = time.Now()
		el := time.Since(p.start)
		eta := time.Duration(float64(el) / float64(p.done) * float64(p.total-p.done)).Round(time.Second)
		p.log.Info(p.desc, "done", p.done, "of", p.total, "eta", eta)
	}
}

func (p *logProgress) Describe(s string) { p.desc = s }

func (p *logProgress) Close() {
	p.log.Info(p.desc, "done", p.done, "of", p.total, "seconds", time.Since(p.start).Round(time.Millisecond).Seconds())
}
