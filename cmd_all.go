package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"hw1/problems"
)

// allAction runs every problem, draws every figure and writes the report ("hw1 all"). A
// problem that fails is marked failed in its manifest and in the report; the others
// still run.
func allAction(c *cli.Context) error {
	if _, err := envFromFlags(c, ""); err != nil {
		return err
	}
	for _, p := range problems.All() { // every setting is checked before any training
		if _, err := envFromFlags(c, p.Name); err != nil {
			return err
		}
	}
	if err := checkOut(c.String(outFlag.Name)); err != nil {
		return err
	}
	ctx, stop := interruptible(c)
	defer stop()
	start := time.Now()
	var failed []error
	for _, p := range problems.All() {
		if err := runOne(ctx, c, p); err != nil {
			fmt.Fprintf(c.App.ErrWriter, "hw1: %s failed: %v\n", p.Name, err)
			failed = append(failed, fmt.Errorf("%s: %w", p.Name, err))
			if ctx.Err() != nil {
				return errors.Join(failed...)
			}
		}
	}
	out := c.String(outFlag.Name)
	if err := writeReport(out); err != nil {
		failed = append(failed, err)
	} else {
		fmt.Fprintf(c.App.Writer, "report: %s\n", filepath.Join(out, "report.html"))
	}
	fmt.Fprintf(c.App.Writer, "all: %d problems in %.1fs, %d failed\n", len(problems.All()), time.Since(start).Seconds(), len(failed))
	return errors.Join(failed...)
}
