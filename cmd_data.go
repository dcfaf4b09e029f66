package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"hw1/problems/data"
)

// Flag names of "hw1 data".
const (
	dataCmdDirName    = "dir"
	dataCmdMirrorName = "mirror"
)

// dataCmdDirFlag returns the --dir flag of "hw1 data fetch" and "hw1 data list": where
// datasets are fetched to and loaded from.
func dataCmdDirFlag() *cli.StringFlag {
	return &cli.StringFlag{
		Name:    dataCmdDirName,
		Usage:   "data directory: datasets are fetched into and loaded from its mnist, fashion-mnist and cifar10 folders",
		Value:   data.DefaultDir(),
		EnvVars: []string{"HW1_DATA_DIR"},
	}
}

// dataCmdMirrorFlag is the --mirror flag of "hw1 data fetch".
var dataCmdMirrorFlag = &cli.StringFlag{
	Name:  dataCmdMirrorName,
	Usage: "base `URL` to fetch the files from instead of the published mirrors",
}

// dataCmdFetchable returns the names of the datasets "hw1 data fetch" knows, sorted as
// data.Names orders them.
func dataCmdFetchable() []string {
	remotes := data.Remotes()
	var names []string
	for _, n := range data.Names() {
		if _, ok := remotes[n]; ok {
			names = append(names, n)
		}
	}
	return names
}

// dataCmdInterrupted marks a fetch stopped by a signal (exit status 130).
type dataCmdInterrupted struct{ err error }

func (e dataCmdInterrupted) Error() string     { return e.err.Error() }
func (e dataCmdInterrupted) Unwrap() error     { return e.err }
func (e dataCmdInterrupted) Interrupted() bool { return true }

// dataFetchAction downloads one dataset and verifies its checksums ("hw1 data fetch
// NAME").
func dataFetchAction(c *cli.Context) error {
	names := dataCmdFetchable()
	if c.NArg() < 1 {
		return usagef("data fetch: want a dataset name (%s)", strings.Join(names, ", "))
	}
	name := c.Args().First()
	// The command line parser stops at the first argument; read the flags that follow
	// the name ("hw1 data fetch mnist --dir D") here.
	fs := flag.NewFlagSet("data fetch", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String(dataCmdDirName, c.String(dataCmdDirName), "")
	mirror := fs.String(dataCmdMirrorName, c.String(dataCmdMirrorName), "")
	if err := fs.Parse(c.Args().Tail()); err != nil {
		return usagef("data fetch: %v", err)
	}
	if fs.NArg() > 0 {
		return usagef("data fetch: want one dataset name, got %q", c.Args().Slice())
	}
	switch {
	case name == data.Digits:
		return usagef("data fetch: the digits are embedded in hw1; there is nothing to fetch")
	case !slices.Contains(names, name):
		return usagef("data fetch: unknown dataset %q (want %s)", name, strings.Join(names, ", "))
	}
	ctx, stop := interruptible(c)
	defer stop()
	var progress io.Writer = c.App.ErrWriter
	if progress == nil {
		progress = os.Stderr
	}
	if err := data.Fetch(ctx, name, *dir, *mirror, progress); err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return dataCmdInterrupted{err}
		}
		return err
	}
	ds, err := data.Load(name, *dir)
	if err != nil {
		return fmt.Errorf("data fetch: the fetched files do not load: %w", err)
	}
	fmt.Fprintf(c.App.Writer, "%s: %d training and %d test examples of %v in %s\n",
		ds.Name, ds.Train.N, ds.Test.N, ds.Train.Shape, ds.Source)
	return nil
}

// dataListAction shows which datasets are present and where ("hw1 data list").
func dataListAction(c *cli.Context) error {
	if c.NArg() != 0 {
		return usagef("data list: takes no arguments, got %q", c.Args().Slice())
	}
	tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATASET\tPRESENT\tWHERE")
	for _, f := range data.Present(c.String(dataCmdDirName)) {
		present, where := "yes", f.Path
		if !f.Present {
			present = "no"
			where = fmt.Sprintf("%s (hw1 data fetch %s)", f.Path, f.Name)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Name, present, where)
	}
	return tw.Flush()
}
