package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"hw1/problems"
	"hw1/tfgraph"
)

// The flags shared by the commands that run problems.
var (
	outFlag = &cli.StringFlag{
		Name: "out", Value: "results", EnvVars: []string{"HW1_OUT"},
		Usage: "output folder; each problem writes into `DIR`/<problem>/", Category: "Output",
	}
	profileFlag = &cli.StringFlag{
		Name: "profile", Value: "quick", EnvVars: []string{"HW1_PROFILE"},
		Usage: "budgets: quick (minutes, embedded digits) or full (the report's budgets)", Category: "Experiment",
	}
	seedFlag = &cli.Uint64Flag{
		Name: "seed", Value: 1, EnvVars: []string{"HW1_SEED"},
		Usage: "base seed; every model's seed derives from it", Category: "Experiment",
	}
	setFlag = &cli.StringSliceFlag{
		Name: "set", Usage: "override a problem setting, `KEY=VALUE` (repeatable; see hw1 list)", Category: "Experiment",
	}
	threadsFlag = &cli.IntFlag{
		Name: "threads", EnvVars: []string{"HW1_THREADS"},
		Usage: "TensorFlow intra-op threads (0: one per core)", Category: "Machine",
	}
	deviceFlag = &cli.StringFlag{
		Name: "device", Value: "cpu", EnvVars: []string{"HW1_DEVICE"},
		Usage: "cpu, or gpu (needs the GPU build of libtensorflow)", Category: "Machine",
	}
	datasetFlag = &cli.StringFlag{
		Name: "dataset", EnvVars: []string{"HW1_DATASET"},
		Usage: "digits (embedded), mnist, fashion-mnist or cifar10; default: mnist when present, else digits", Category: "Data",
	}
	dataDirFlag = &cli.StringFlag{
		Name: "data-dir", EnvVars: []string{"HW1_DATA_DIR"},
		Usage: "where downloaded datasets live (default ~/.local/share/hw1)", Category: "Data",
	}
	resumeFlag = &cli.BoolFlag{
		Name: "resume", Usage: "continue from the checkpoints in --out; skip finished problems", Category: "Output",
	}
	tensorboardFlag = &cli.BoolFlag{
		Name: "tensorboard", Value: true, EnvVars: []string{"HW1_TENSORBOARD"},
		Usage: "write TensorBoard event files into DIR/<problem>/tensorboard/ (--tensorboard=false: none)", Category: "Output",
	}
	// verboseFlag is read by tfgraph before the command line is parsed (TensorFlow's
	// log threshold must be set when its library loads); it is declared here so that
	// the command line accepts it.
	verboseFlag = &cli.BoolFlag{
		Name: tfgraph.VerboseFlag, EnvVars: []string{tfgraph.VerboseEnv},
		Usage: "show TensorFlow's informational log lines too (by default only its warnings and errors)", Category: "Output",
	}
	quietFlag = &cli.BoolFlag{
		Name: "quiet", Aliases: []string{"q"}, EnvVars: []string{"HW1_QUIET"},
		Usage: "print only errors and the final summary", Category: "Output",
	}
)

// runFlags are the flags of run and all.
func runFlags() []cli.Flag {
	return []cli.Flag{outFlag, profileFlag, seedFlag, setFlag, threadsFlag, deviceFlag, datasetFlag, dataDirFlag, resumeFlag, tensorboardFlag, quietFlag, verboseFlag}
}

// envFromFlags builds a problem's environment from the shared flags, checking every
// value before any training starts.
func envFromFlags(c *cli.Context, problem string) (problems.Env, error) {
	profile, err := problems.ParseProfile(c.String(profileFlag.Name))
	if err != nil {
		return problems.Env{}, usageError{err}
	}
	dev := strings.ToLower(c.String(deviceFlag.Name))
	if dev != "cpu" && dev != "gpu" {
		return problems.Env{}, usagef("--device must be cpu or gpu, not %q", dev)
	}
	if dev == "gpu" {
		// Stop before any output is written: a run asked for the GPU must not fall
		// back to the CPU.
		if err := tfgraph.CheckGPU(); err != nil {
			return problems.Env{}, err
		}
	}
	if c.Int(threadsFlag.Name) < 0 {
		return problems.Env{}, usagef("--threads must be 0 or more")
	}
	overrides, err := problemOverrides(c.StringSlice(setFlag.Name), problem, c.Command.Name == "all")
	if err != nil {
		return problems.Env{}, err
	}
	if problem != "" {
		if err := problems.CheckSettings(problem, profile, overrides); err != nil {
			return problems.Env{}, err
		}
	}
	shard, err := parseShard(c.String(shardFlag.Name), c.Int(shardsFlag.Name), os.Getenv)
	if err != nil {
		return problems.Env{}, err
	}
	threads := c.Int(threadsFlag.Name)
	env := problems.Env{
		Dir:           filepath.Join(c.String(outFlag.Name), problem),
		Profile:       profile,
		Seed:          c.Uint64(seedFlag.Name),
		Session:       tfgraph.SessionConfig{Device: dev, IntraOpThreads: threads, InterOpThreads: min(threads, 2)},
		Dataset:       c.String(datasetFlag.Name),
		DataDir:       c.String(dataDirFlag.Name),
		Resume:        c.Bool(resumeFlag.Name),
		Overrides:     overrides,
		NoTensorBoard: !c.Bool(tensorboardFlag.Name),
		Shard:         shard,
	}
	if shard.Sharded() {
		env.Dir = problems.ShardDir(env.Dir, shard.Index)
	}
	env.Log = newLogger(c, problem)
	if !c.Bool(quietFlag.Name) {
		env.Progress = newProgress(c.App.ErrWriter, env.Log)
	}
	return env, nil
}

// newLogger returns the log of a problem's run or merge, on the app's error output: its
// warnings and errors with --quiet, its informational lines too without.
func newLogger(c *cli.Context, problem string) *slog.Logger {
	level := slog.LevelInfo
	if c.Bool(quietFlag.Name) {
		level = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: level})).With("problem", problem)
}

// checkOut fails early, before any training, when the output folder cannot be written.
func checkOut(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot write output folder %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("cannot write output folder %s: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// problemOverrides picks the --set values that apply to problem. A key may name its
// problem ("1-1.epochs=50") or not ("epochs=50"). For "hw1 all" an unqualified key goes
// to the problems that have such a setting; for "hw1 run" it goes to every problem
// run, which refuses it if unknown.
func problemOverrides(sets []string, problem string, all bool) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usagef("--set wants KEY=VALUE, got %q", kv)
		}
		if p, name, qualified := strings.Cut(k, "."); qualified {
			if _, known := problems.Lookup(p); !known {
				return nil, usagef("--set %s: unknown problem %q", kv, p)
			}
			if p == problem {
				out[name] = v
			}
			continue
		}
		if problem != "" && all && !slices.Contains(problems.SettingNames(problem), k) {
			continue
		}
		out[k] = v
	}
	return out, nil
}
