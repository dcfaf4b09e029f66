package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"hw1/problems"
)

// mergeAction merges the shards of the sharded runs of ps ("hw1 run PROBLEM --shard i/n")
// into one result each, as an unsharded run would have written it, and draws its
// figures ("hw1 merge PROBLEM...").
func mergeAction(c *cli.Context, ps []problems.Problem) error {
	if c.Int(shardsFlag.Name) < 0 {
		return usagef("--shards must be 1 or more (0: from the shards' manifests)")
	}
	return eachProblem(c, ps, mergeOne)
}

// mergeOne merges the shards of one problem and draws its figures, printing one line.
func mergeOne(ctx context.Context, c *cli.Context, p problems.Problem) error {
	dir := filepath.Join(c.String(outFlag.Name), p.Name)
	env := problems.Env{Dir: dir, DataDir: c.String(dataDirFlag.Name), Log: newLogger(c, p.Name)}
	res, err := problems.Merge(ctx, p, env, c.Int(shardsFlag.Name), version)
	if err != nil {
		return err
	}
	figs, ferr := drawFigures(p.Name, dir)
	fmt.Fprintf(c.App.Writer, "%s: merged %d shards into %s, %d figures\n", p.Name, res.Shards, dir, len(figs))
	return ferr
}
