package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"hw1/plots"
)

// inFlag is the folder plot reads the problems' records from.
var inFlag = &cli.StringFlag{
	Name: "in", Value: "results", EnvVars: []string{"HW1_OUT"},
	Usage: "results folder; each problem's records are read from `DIR`/<problem>/records.csv", Category: "Output",
}

// plotAction redraws the figures of problems from their records alone, without
// TensorFlow ("hw1 plot").
func plotAction(c *cli.Context) error {
	names := c.Args().Slice()
	known := plots.Problems()
	if len(names) == 0 {
		return usagef("plot needs at least one problem (%s)", strings.Join(known, " "))
	}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return usagef("unknown problem %q (problems: %s)", n, strings.Join(known, " "))
		}
	}
	var errs []error
	for _, n := range names {
		paths, err := plots.Draw(n, filepath.Join(c.String(inFlag.Name), n))
		for _, p := range paths {
			fmt.Fprintln(c.App.Writer, p)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
