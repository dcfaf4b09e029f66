package main

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"hw1/plots"
	"hw1/problems"
)

// runCommand runs one or more problems and draws their figures.
func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run problems (1-1 ... 3-3): records, figures, manifest",
		ArgsUsage: "PROBLEM...",
		Flags:     append(runFlags(), shardFlag, shardsFlag),
		Action: func(c *cli.Context) error {
			names := c.Args().Slice()
			if len(names) == 0 {
				return usagef("run needs at least one problem; see hw1 list")
			}
			ps, err := lookupProblems(names)
			if err != nil {
				return err
			}
			for _, p := range ps { // every setting is checked before any training
				if _, err := envFromFlags(c, p.Name); err != nil {
					return err
				}
			}
			ctx, stop := signal.NotifyContext(c.Context, syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			var errs []error
			for _, p := range ps {
				if err := runOne(ctx, c, p); err != nil {
					errs = append(errs, err)
					if ctx.Err() != nil {
						break
					}
				}
			}
			return errors.Join(errs...)
		},
	}
}

// lookupProblems maps names to problems; an unknown name is a usage error.
func lookupProblems(names []string) ([]problems.Problem, error) {
	var ps []problems.Problem
	for _, n := range names {
		p, ok := problems.Lookup(n)
		if !ok {
			return nil, usagef("unknown problem %q (problems: %v)", n, problems.Names())
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// runOne runs one problem and draws its figures, printing a one-line summary.
func runOne(ctx context.Context, c *cli.Context, p problems.Problem) error {
	env, err := envFromFlags(c, p.Name)
	if err != nil {
		return err
	}
	if err := checkOut(env.Dir); err != nil {
		return err
	}
	res, err := problems.Execute(ctx, p, env, version)
	if res != nil && res.Skipped {
		fmt.Fprintf(c.App.Writer, "%s: already done in %s (--resume)\n", p.Name, env.Dir)
		return nil
	}
	if err != nil {
		return err
	}
	if env.Shard.Sharded() { // the figures need every unit: hw1 merge draws them
		fmt.Fprintf(c.App.Writer, "%s: shard %s done in %.1fs in %s\n", p.Name, env.Shard, res.Manifest.WallSecs, env.Dir)
		return nil
	}
	figs, ferr := drawFigures(p.Name, env.Dir)
	fmt.Fprintf(c.App.Writer, "%s: done in %.1fs, %d figures in %s\n", p.Name, res.Manifest.WallSecs, len(figs), env.Dir)
	return ferr
}

// drawFigures draws a problem's figures from its records and returns the files written.
func drawFigures(problem, dir string) ([]string, error) {
	files, err := plots.Draw(problem, dir)
	if err != nil {
		return files, fmt.Errorf("figures of %s: %w", problem, err)
	}
	return files, nil
}
