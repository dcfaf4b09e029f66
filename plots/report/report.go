// Package report writes hw1's report: results/report.html, one page that a browser
// opens without any network, and results/report.md with the same content.
//
// For every problem the report gives its question, the status of its run, the
// settings, the dataset and seeds, every figure with its caption, tables of the final
// numbers (the manifest's summary), the notes, the answer computed from the measured
// numbers and the wall time. The figures are not copied: the pages link to the PNG
// files in each problem's figures/ folder by relative paths, so the report stays small
// and opens from the results folder, or from a copy of it.
//
// The package reads nothing but the figure files' existence; the caller gathers the
// manifests, figures and answers (see Section). Like plots, it needs neither cgo nor
// TensorFlow.
package report

import (
	"bytes"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"hw1/plots"
	"hw1/problems/records"
)

// Section is what the report says about one problem.
type Section struct {
	// Problem is the problem's name ("1-1"), Title its short title and Question the
	// question it answers.
	Problem, Title, Question string
	// Answer is the answer computed from the measured numbers; empty when there is
	// none (a run that failed or did not run).
	Answer string
	// Dir is the problem's output folder (out/1-1).
	Dir string
	// Manifest is the run's manifest; nil when the problem has not run.
	Manifest *records.Manifest
	// Figures are the figures drawn from the run's records, with their files.
	Figures []plots.Drawn
	// Err describes what went wrong while gathering the section (missing records,
	// figures that could not be drawn, an answer that failed), one problem per line;
	// empty when nothing did. A failed run's own error is in Manifest.Error and need
	// not be repeated here.
	Err string
}

// Write writes out/report.html and out/report.md for the sections, in their order, and
// returns the two paths. Each file is written atomically: readers see the old report or
// the new one. Figures are linked by paths relative to out; a figure whose file is
// missing is shown as missing rather than as a broken image.
func Write(out string, sections []Section) (html, md string, err error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", "", fmt.Errorf("report: %w", err)
	}
	p := buildPage(out, sections, time.Now())
	var hb, mb bytes.Buffer
	if err := pageTemplate.Execute(&hb, p); err != nil {
		return "", "", fmt.Errorf("report: %w", err)
	}
	writeMarkdown(&mb, p)
	html, md = filepath.Join(out, "report.html"), filepath.Join(out, "report.md")
	if err := records.WriteFileAtomic(html, hb.Bytes()); err != nil {
		return "", "", fmt.Errorf("report: %w", err)
	}
	if err := records.WriteFileAtomic(md, mb.Bytes()); err != nil {
		return html, "", fmt.Errorf("report: %w", err)
	}
	return html, md, nil
}

// page is everything the templates show, formatted.
type page struct {
	Generated string
	Facts     []fact // the environment, from the manifests
	Sections  []section
	Counts    string // "5 ok, 1 failed, 1 not run"
}

type fact struct{ Label, Value string }

// section is one problem, formatted.
type section struct {
	Anchor                   string
	Problem, Title, Question string
	Status, StatusClass      string
	StatusNote               string   // what the status means, for unfinished runs
	RunError                 string   // the manifest's error
	Errs                     []string // the caller's problems, one per line
	Answer                   []string // paragraphs
	Facts                    []fact   // dataset, seeds, profile, times
	Settings                 []fact
	Figures                  []figure
	Tables                   []table
	SummaryRows              int  // rows over all tables
	Collapse                 bool // fold the tables away: too many rows
	Notes                    []string
	Wall                     string
}

// figure is one figure: the image to show and the vector file to open.
type figure struct {
	ID            string // fragment identifier
	Name, Caption string
	Src, Vector   string // relative URLs; Src empty when no file exists
	Missing       string // why there is no image
	Width, Height int    // the size to show the PNG at, in CSS pixels; 0 if unknown
}

// collapseRows is the number of final-number rows above which they are folded away.
const collapseRows = 40

func buildPage(out string, sections []Section, now time.Time) *page {
	p := &page{Generated: now.Format("2006-01-02 15:04 MST")}
	var mans []*records.Manifest
	counts := map[string]int{}
	var order []string
	for _, s := range sections {
		v := buildSection(out, s)
		p.Sections = append(p.Sections, v)
		if counts[v.Status] == 0 {
			order = append(order, v.Status)
		}
		counts[v.Status]++
		if s.Manifest != nil {
			mans = append(mans, s.Manifest)
		}
	}
	var cs []string
	for _, st := range order {
		cs = append(cs, fmt.Sprintf("%d %s", counts[st], st))
	}
	p.Counts = strings.Join(cs, ", ")
	p.Facts = environment(mans)
	return p
}

// environment lists the machine and versions the runs used; values that differ
// between runs are all listed.
func environment(mans []*records.Manifest) []fact {
	distinct := func(get func(*records.Manifest) string) string {
		var vs []string
		for _, m := range mans {
			if v := get(m); v != "" && !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			return "?"
		}
		return strings.Join(vs, "; ")
	}
	if len(mans) == 0 {
		return []fact{{"Runs", "no problem has run yet"}}
	}
	var wall float64
	var first, last time.Time
	for _, m := range mans {
		wall += m.WallSecs
		if first.IsZero() || (!m.Start.IsZero() && m.Start.Before(first)) {
			first = m.Start
		}
		if m.End.After(last) {
			last = m.End
		}
	}
	runs := first.UTC().Format("2006-01-02 15:04 MST")
	switch {
	case last.IsZero():
	case last.UTC().Format("2006-01-02") == first.UTC().Format("2006-01-02"):
		runs = first.UTC().Format("2006-01-02 15:04") + "–" + last.UTC().Format("15:04 MST")
	default:
		runs = first.UTC().Format("2006-01-02 15:04") + " – " + last.UTC().Format("2006-01-02 15:04 MST")
	}
	return []fact{
		{"hw1", distinct(func(m *records.Manifest) string { return m.HW1Version })},
		{"TensorFlow", distinct(func(m *records.Manifest) string { return m.TensorFlow.Version })},
		{"Library", distinct(func(m *records.Manifest) string { return m.TensorFlow.Library })},
		{"Device", distinct(func(m *records.Manifest) string { return m.Device })},
		{"Threads", distinct(func(m *records.Manifest) string {
			if m.Threads == 0 {
				return ""
			}
			return fmt.Sprint(m.Threads)
		})},
		{"Profile", distinct(func(m *records.Manifest) string { return m.Profile })},
		{"Data", distinct(func(m *records.Manifest) string { return m.Dataset.Name })},
		{"Wall time", formatSeconds(wall) + " in total"},
		{"Runs", runs},
	}
}

func buildSection(out string, s Section) section {
	v := section{
		Anchor:   "problem-" + anchorName(s.Problem),
		Problem:  s.Problem,
		Title:    s.Title,
		Question: s.Question,
		Errs:     lines(s.Err),
		Answer:   paragraphs(s.Answer),
	}
	m := s.Manifest
	if m == nil {
		v.Status, v.StatusClass = "not run", "notrun"
	} else {
		switch m.Status {
		case records.StatusOK:
			v.Status, v.StatusClass = "ok", "ok"
		case records.StatusFailed:
			v.Status, v.StatusClass = "failed", "failed"
		case records.StatusInterrupted:
			v.Status, v.StatusClass = "interrupted", "interrupted"
			v.StatusNote = "The run was stopped before it finished; what it recorded is shown. Rerun with --resume to continue."
		case records.StatusRunning:
			v.Status, v.StatusClass = "unfinished", "interrupted"
			v.StatusNote = "The manifest still says running: the run is going on, or was killed. What it recorded so far is shown."
		default:
			v.Status, v.StatusClass = string(m.Status), "failed"
		}
		if m.Error != "" && m.Error != "interrupted" {
			v.RunError = m.Error
		}
		v.Wall = formatSeconds(m.WallSecs)
		v.Settings = settings(m.Settings)
		v.Facts = runFacts(m)
		tables, err := manifestTables(m)
		if err != nil {
			v.Errs = append(v.Errs, err.Error())
		}
		v.Tables = tables
		for _, t := range v.Tables {
			v.SummaryRows += len(t.Rows)
		}
		v.Collapse = v.SummaryRows > collapseRows
		v.Notes = m.Notes
	}
	for _, d := range s.Figures {
		f := figureView(out, d)
		f.ID = v.Anchor + "-" + anchorName(d.Name)
		v.Figures = append(v.Figures, f)
	}
	return v
}

// runFacts lists the data, seeds, profile and times of a run.
func runFacts(m *records.Manifest) []fact {
	var fs []fact
	if d := m.Dataset; d.Name != "" || d.Train > 0 {
		val := d.Name
		if d.Train > 0 || d.Test > 0 {
			val += fmt.Sprintf(" (%s train, %s test)", groupThousands(fmt.Sprint(d.Train)), groupThousands(fmt.Sprint(d.Test)))
		}
		fs = append(fs, fact{"Data", strings.TrimSpace(val)})
		if d.Source != "" {
			fs = append(fs, fact{"Source", d.Source})
		}
	}
	fs = append(fs, fact{"Seeds", formatSeeds(m.Seeds)})
	if m.Profile != "" {
		fs = append(fs, fact{"Profile", m.Profile})
	}
	dev := m.Device
	if m.Threads > 0 {
		dev += fmt.Sprintf(", %d threads", m.Threads)
	}
	if dev != "" {
		fs = append(fs, fact{"Device", dev})
	}
	if !m.Start.IsZero() {
		fs = append(fs, fact{"Started", m.Start.UTC().Format("2006-01-02 15:04:05 MST")})
	}
	fs = append(fs, fact{"Wall time", formatSeconds(m.WallSecs)})
	return fs
}

// settings formats a manifest's settings in natural order of their names.
func settings(m map[string]any) []fact {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortNatural(keys)
	fs := make([]fact, len(keys))
	for i, k := range keys {
		fs[i] = fact{k, formatValue(m[k])}
	}
	return fs
}

// figureView picks the PNG of a figure to show and its SVG to open, as URLs relative
// to out.
func figureView(out string, d plots.Drawn) figure {
	f := figure{Name: d.Name, Caption: d.Caption}
	var png, svg string
	for _, file := range d.Files {
		switch strings.ToLower(filepath.Ext(file)) {
		case ".png":
			if png == "" {
				png = file
			}
		case ".svg":
			if svg == "" {
				svg = file
			}
		}
	}
	show := png
	if show == "" {
		show = svg
	}
	switch {
	case show == "":
		f.Missing = "no image file was drawn"
	case !exists(show):
		f.Missing = "file missing: " + show
	default:
		f.Src = relURL(out, show)
		f.Width, f.Height = cssSize(show)
		if svg != "" && exists(svg) {
			f.Vector = relURL(out, svg)
		}
	}
	return f
}

// cssSize returns the size in CSS pixels (96 per inch) at which a PNG drawn at
// plots.DPI has its intended physical size, or zeros for another file.
func cssSize(file string) (int, int) {
	if !strings.EqualFold(filepath.Ext(file), ".png") {
		return 0, 0
	}
	r, err := os.Open(file)
	if err != nil {
		return 0, 0
	}
	defer r.Close()
	cfg, err := png.DecodeConfig(r)
	if err != nil {
		return 0, 0
	}
	return cfg.Width * 96 / plots.DPI, cfg.Height * 96 / plots.DPI
}

func exists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// relURL returns the URL of file relative to the folder out, each path segment
// escaped; a file that has no relative path becomes a file: URL.
func relURL(out, file string) string {
	ao, err1 := filepath.Abs(out)
	af, err2 := filepath.Abs(file)
	rel, err3 := filepath.Rel(ao, af)
	if err1 != nil || err2 != nil || err3 != nil {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(af)}).String()
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// anchorName turns a problem name into a fragment identifier.
func anchorName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			return r
		}
		return '-'
	}, s)
}

// lines splits text into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// paragraphs splits text at blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
