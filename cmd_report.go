package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"hw1/plots"
	"hw1/plots/report"
	"hw1/problems"
	"hw1/problems/records"
)

// reportAction writes the report from the records of the problems that have run ("hw1
// report").
func reportAction(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("report takes no arguments; use --out DIR")
	}
	out := c.String(outFlag.Name)
	if st, err := os.Stat(out); err != nil || !st.IsDir() {
		return usagef("no results folder %s: run hw1 run or hw1 all first, or pass --out", out)
	}
	html, md, err := writeReportFiles(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "%s\n%s\n", html, md)
	return nil
}

// writeReport writes out/report.html and out/report.md for every problem.
func writeReport(out string) error {
	_, _, err := writeReportFiles(out)
	return err
}

func writeReportFiles(out string) (html, md string, err error) {
	var sections []report.Section
	for _, p := range problems.All() {
		sections = append(sections, reportSection(out, p))
	}
	return report.Write(out, sections)
}

// reportSection gathers what the report says about one problem: its manifest, its
// figures redrawn from its records, and its answer when the run finished. Everything
// that goes wrong is shown in the section rather than returned.
func reportSection(out string, p problems.Problem) report.Section {
	dir := filepath.Join(out, p.Name)
	s := report.Section{Problem: p.Name, Title: p.Title, Question: p.Question, Dir: dir}
	var errs []string
	m, err := records.ReadManifest(filepath.Join(dir, records.ManifestFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.Err = fmt.Sprintf("no manifest.json in %s: hw1 run %s --out %s runs it", dir, p.Name, out)
		return s
	case err != nil:
		s.Err = "cannot read the manifest: " + err.Error()
		return s
	}
	s.Manifest = m
	if _, err := os.Stat(filepath.Join(dir, records.RecordsFile)); err != nil {
		errs = append(errs, "no records.csv in "+dir)
	} else if plots.Figures(p.Name) != nil {
		figs, err := plots.DrawFigures(p.Name, dir)
		s.Figures = figs
		switch {
		case err == nil:
		case m.Status != records.StatusOK:
			// An unfinished run lacks the records of its later figures: say which,
			// without the details that matter only for a finished run.
			if names := figureNames(err); len(names) > 0 {
				errs = append(errs, "figures not drawn, for lack of records from the unfinished run: "+strings.Join(names, ", "))
			} else {
				errs = append(errs, "no figures: the unfinished run recorded too little ("+err.Error()+")")
			}
		default:
			errs = append(errs, strings.Split(err.Error(), "\n")...)
		}
	}
	if m.Status == records.StatusOK && p.Answer != nil {
		answer, err := safeAnswer(p, problems.RunResult{Problem: p, Dir: dir, Manifest: m})
		s.Answer = answer
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	s.Err = strings.Join(errs, "\n")
	return s
}

// safeAnswer calls the problem's Answer, turning a panic on records it did not expect
// into an error.
func safeAnswer(p problems.Problem, res problems.RunResult) (answer string, err error) {
	defer func() {
		if r := recover(); r != nil {
			answer, err = "", fmt.Errorf("the answer could not be computed from these records: %v", r)
		}
	}()
	return strings.TrimSpace(p.Answer(res)), nil
}

// figureNames returns the names of the figures in DrawFigures' joined error.
func figureNames(err error) []string {
	var names []string
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		var fe *plots.FigureError
		if errors.As(e, &fe) {
			names = append(names, fe.Figure)
		}
	}
	return names
}
