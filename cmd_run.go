package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"hw1/plots"
	"hw1/problems"
)

// runAction runs the problems ps and draws their figures ("hw1 run PROBLEM...").
func runAction(c *cli.Context, ps []problems.Problem) error {
	for _, p := range ps { // every setting is checked before any training
		if _, err := envFromFlags(c, p.Name); err != nil {
			return err
		}
	}
	return eachProblem(c, ps, runOne)
}

// eachProblem calls do on every problem of ps in turn, under a context that SIGINT or
// SIGTERM cancels, and returns their errors joined. A problem that fails does not stop
// the ones after it; an interrupt does.
func eachProblem(c *cli.Context, ps []problems.Problem, do func(context.Context, *cli.Context, problems.Problem) error) error {
	ctx, stop := interruptible(c)
	defer stop()
	var errs []error
	for _, p := range ps {
		if err := do(ctx, c, p); err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	return errors.Join(errs...)
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
