package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/urfave/cli/v2"

	"hw1/problems"
)

// mergeCommand merges the shards of sharded runs ("hw1 run PROBLEM --shard i/n") into
// one result, as an unsharded run would have written it, and draws its figures.
func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "merge the shards of a sharded run into one result: records, manifest, figures",
		ArgsUsage: "PROBLEM...",
		Description: "Checks DIR/PROBLEM/shards/0 ... n-1 (all there, all ok, the same settings, seed,\n" +
			"profile, schema and hw1 version), then writes DIR/PROBLEM/records.csv (in canonical\n" +
			"order), manifest.json with the summary, and the figures. A missing or mismatched\n" +
			"shard is named, and nothing is written.",
		Flags: []cli.Flag{outFlag, shardsFlag, dataDirFlag, quietFlag},
		Action: func(c *cli.Context) error {
			names := c.Args().Slice()
			if len(names) == 0 {
				return usagef("merge needs at least one problem; see hw1 list")
			}
			if c.Int(shardsFlag.Name) < 0 {
				return usagef("--shards must be 1 or more (0: from the shards' manifests)")
			}
			ps, err := lookupProblems(names)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(c.Context, syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			var errs []error
			for _, p := range ps {
				if err := mergeOne(ctx, c, p); err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		},
	}
}

// mergeOne merges the shards of one problem and draws its figures, printing one line.
func mergeOne(ctx context.Context, c *cli.Context, p problems.Problem) error {
	dir := filepath.Join(c.String(outFlag.Name), p.Name)
	level := slog.LevelInfo
	if c.Bool(quietFlag.Name) {
		level = slog.LevelWarn
	}
	env := problems.Env{Dir: dir, DataDir: c.String(dataDirFlag.Name), Log: slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: level})).With("problem", p.Name)}
	res, err := problems.Merge(ctx, p, env, c.Int(shardsFlag.Name), version)
	if err != nil {
		return err
	}
	figs, ferr := drawFigures(p.Name, dir)
	fmt.Fprintf(c.App.Writer, "%s: merged %d shards into %s, %d figures\n", p.Name, res.Shards, dir, len(figs))
	return ferr
}
