package plots

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"hw1/problems/records"
)

// FigureInfo names a figure and says what it shows. In the list of Figures, a name may
// hold a placeholder in angle brackets ("loss-<function>") for figures drawn once per
// run; a drawn figure has the name of its files.
type FigureInfo struct {
	Name    string
	Caption string
}

// Drawn is a figure that Draw wrote: its name, its caption (with numbers from the
// records, such as explained variance) and its files, PNG first.
type Drawn struct {
	FigureInfo
	Files []string
}

// FigureError is the error for one figure that could not be drawn, typically because
// its records lack a metric or a run.
type FigureError struct {
	Problem, Figure string
	Err             error
}

// Error returns the error as "plots: PROBLEM: figure NAME: PROBLEM".
func (e *FigureError) Error() string {
	return fmt.Sprintf("plots: %s: figure %s: %s", e.Problem, e.Figure, strings.TrimPrefix(e.Err.Error(), "plots: "))
}

// Unwrap returns the underlying error.
func (e *FigureError) Unwrap() error { return e.Err }

// job is one figure to draw.
type job struct {
	name, caption string
	build         func() (*Figure, error)
}

// perRun returns the jobs that jobsOf plans for each of runs, in the order of runs. No
// runs at all is the error of missing records, what saying which rows were looked for.
func perRun(runs []string, what string, jobsOf func(run string) []job) ([]job, error) {
	if len(runs) == 0 {
		return nil, missing("%s", what)
	}
	var jobs []job
	for _, run := range runs {
		jobs = append(jobs, jobsOf(run)...)
	}
	return jobs, nil
}

// problemFigures is the entry of one problem in the registry: its figures as listed by
// Figures, and a function that plans them from the records.
type problemFigures struct {
	figures []FigureInfo
	plan    func(t records.Table) ([]job, error)
}

// Problems returns the names of the problems that have figures, in the order of
// records.Problems.
func Problems() []string {
	var names []string
	for _, name := range records.Problems() {
		if registry[name] != nil {
			names = append(names, name)
		}
	}
	return names
}

// Figures returns the figures of a problem, with placeholders for per-run names, or nil
// for an unknown problem.
func Figures(problem string) []FigureInfo {
	if pf := registry[problem]; pf != nil {
		return append([]FigureInfo(nil), pf.figures...)
	}
	return nil
}

// Draw reads <dir>/records.csv, draws every figure of the problem into <dir>/figures/
// as PNG and SVG, and returns the paths written. See DrawFigures.
func Draw(problem, dir string) ([]string, error) {
	drawn, err := DrawFigures(problem, dir)
	var paths []string
	for _, d := range drawn {
		paths = append(paths, d.Files...)
	}
	return paths, err
}

// DrawFigures reads <dir>/records.csv (dir is the problem's output folder, such as
// results/1-1), draws every figure of the problem into <dir>/figures/ as NAME.png and
// NAME.svg, and returns what it drew.
//
// It fails at once for an unknown problem and for records.csv that cannot be read.
// Otherwise it draws every figure it can: the figures that cannot be drawn (a metric
// or run missing from the records) are reported together in a joined error of
// *FigureError values, next to the figures that were drawn.
func DrawFigures(problem, dir string) ([]Drawn, error) {
	pf := registry[problem]
	if pf == nil {
		return nil, fmt.Errorf("plots: unknown problem %q (known: %s)", problem, strings.Join(Problems(), " "))
	}
	path := filepath.Join(dir, records.RecordsFile)
	t, err := records.Read(path)
	if err != nil {
		return nil, err
	}
	jobs, err := pf.plan(t)
	if err != nil {
		return nil, fmt.Errorf("plots: %s: %s: %w", problem, path, err)
	}
	if m, err := records.ReadManifest(filepath.Join(dir, records.ManifestFile)); err == nil {
		if d := DataSentence(m.Dataset); d != "" {
			for i := range jobs {
				jobs[i].caption += " " + d
			}
		}
	}
	out := filepath.Join(dir, records.FiguresDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	var drawn []Drawn
	var errs []error
	for _, j := range jobs {
		f, err := j.build()
		if err == nil {
			var files []string
			files, err = f.Save(filepath.Join(out, j.name))
			if err == nil {
				drawn = append(drawn, Drawn{FigureInfo{j.name, j.caption}, files})
				continue
			}
		}
		errs = append(errs, &FigureError{Problem: problem, Figure: j.name, Err: err})
	}
	return drawn, errors.Join(errs...)
}

// DataSentence says what data a run trained on, for captions: "Data: digits, 8,000
// training and 2,000 test examples." It is empty when the manifest names no data.
func DataSentence(d records.Dataset) string {
	if len(d.Parts) > 1 {
		parts := make([]string, len(d.Parts))
		for i, p := range d.Parts {
			parts[i] = strings.TrimSuffix(strings.TrimPrefix(DataSentence(p), "Data: "), ".")
		}
		return "Data: " + strings.Join(parts, "; ") + "."
	}
	switch {
	case d.Name == "" && d.Train == 0:
		return ""
	case d.Test > 0:
		return fmt.Sprintf("Data: %s, %s training and %s test examples.", d.Name, thousands(d.Train), thousands(d.Test))
	}
	return fmt.Sprintf("Data: %s, %s training examples.", d.Name, thousands(d.Train))
}

// thousands formats n with commas between groups of three digits: 60,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// fileName turns a run name into a safe part of a file name.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

// missing returns the error for absent records.
func missing(format string, args ...any) error {
	return fmt.Errorf("missing records: "+format, args...)
}
