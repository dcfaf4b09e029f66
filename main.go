// Command hw1 runs the classic experiments on why deep networks work: deep versus
// shallow, how optimization moves, and what makes a network generalize.
//
// Each problem of the homework is a subcommand target ("hw1 run 1-1"); "hw1 all" runs
// every problem, draws every figure and writes the report. See "hw1 help".
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
)

// version is hw1's own version, set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	if os.Getenv("TF_CPP_MIN_LOG_LEVEL") == "" {
		// TensorFlow's informational lines (CPU features, thread pools) are noise here.
		os.Setenv("TF_CPP_MIN_LOG_LEVEL", "1")
	}
	app := newApp()
	err := app.Run(interspersed(app, os.Args))
	os.Exit(exitCode(err))
}

// newApp assembles the command line from the table of commands.
func newApp() *cli.App {
	app := &cli.App{
		Name:                 "hw1",
		Usage:                "deep-learning experiments on TensorFlow's C API",
		Version:              version,
		EnableBashCompletion: true,
		Flags:                []cli.Flag{verboseFlag},
		// --set takes lists such as functions=sinc,sign: never split on commas.
		DisableSliceFlagSeparator: true,
		Commands:                  commands(),
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("unknown command %q; see hw1 help", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
	}
	onUsageError(app.Commands)
	acceptVerbose(app.Commands)
	return app
}

// commands returns hw1's commands in the order "hw1 help" lists them: the whole command
// line in one table, with each command's name, help text, flags and action. A
// command's own flags and its action are in cmd_<name>.go; the flags that several
// commands share are in cmd_flags.go.
func commands() []*cli.Command {
	return []*cli.Command{{
		Name:   "list",
		Usage:  "list the problems, their questions, settings and figures",
		Flags:  []cli.Flag{namesFlag},
		Action: listAction,
	}, {
		Name:      "run",
		Usage:     "run problems (1-1 ... 3-3): records, figures, manifest",
		ArgsUsage: "PROBLEM...",
		Flags:     append(runFlags(), shardFlag, shardsFlag),
		Action:    withProblems(oneOrMore, runAction),
	}, {
		Name:   "all",
		Usage:  "run every problem, draw every figure, write the report",
		Flags:  runFlags(),
		Action: allAction,
	}, {
		Name:      "merge",
		Usage:     "merge the shards of a sharded run into one result: records, manifest, figures",
		ArgsUsage: "PROBLEM...",
		Description: "Checks DIR/PROBLEM/shards/0 ... n-1 (all there, all ok, the same settings, seed,\n" +
			"profile, schema and hw1 version), then writes DIR/PROBLEM/records.csv (in canonical\n" +
			"order), manifest.json with the summary, and the figures. A missing or mismatched\n" +
			"shard is named, and nothing is written.",
		Flags:  []cli.Flag{outFlag, shardsFlag, dataDirFlag, quietFlag},
		Action: withProblems(oneOrMore, mergeAction),
	}, {
		Name:      "units",
		Usage:     "print the number of independent units (trainings) of a problem, for sizing a job array",
		ArgsUsage: "PROBLEM",
		Flags:     []cli.Flag{profileFlag, seedFlag, setFlag},
		Action:    withProblems(exactlyOne, unitsAction),
	}, {
		Name:  "report",
		Usage: "write DIR/report.html and DIR/report.md from the problems' records",
		Description: "Reads DIR/PROBLEM/manifest.json and records.csv of every problem, redraws the\n" +
			"figures and writes one page per format: the question, settings, figures, final\n" +
			"numbers and the answer computed from them. Problems that failed or have not run\n" +
			"are listed as such. Needs no TensorFlow run: only the files in DIR.",
		Flags:  []cli.Flag{outFlag},
		Action: reportAction,
	}, {
		Name:  "readme",
		Usage: "rewrite the findings block of README.md from the runs in --out",
		Description: "Reads DIR/PROBLEM/manifest.json and records.csv of every problem that finished,\n" +
			"redraws its figures and rewrites the part of the README between the findings\n" +
			"markers: per problem its data, seeds, the answer computed from its summary and\n" +
			"its figure captions; the chosen figures are copied to docs/figures/ beside the\n" +
			"README. `make readme` runs it on results/, and `make readme-full` on\n" +
			"results-full/ into the block findings-full.",
		Flags:  []cli.Flag{outFlag, readmeFlag, blockFlag},
		Action: readmeAction,
	}, {
		Name:      "plot",
		Usage:     "redraw the figures of problems from their records.csv",
		ArgsUsage: "PROBLEM...",
		Description: "Reads DIR/PROBLEM/records.csv and writes every figure of the problem into\n" +
			"DIR/PROBLEM/figures/ as PNG and SVG, printing the paths written. Figures that\n" +
			"lack records are reported; the others are still drawn.",
		Flags:  []cli.Flag{inFlag},
		Action: plotAction,
	}, {
		Name:  "data",
		Usage: "fetch datasets and list the ones present",
		Description: "Without downloads hw1 trains on 10,000 real MNIST digits embedded in the binary.\n" +
			"Full MNIST, Fashion-MNIST and CIFAR-10 are fetched from their publishers' mirrors,\n" +
			"checked against their published SHA-256 sums. Debian's dataset-fashion-mnist package\n" +
			"is found without a download.",
		Subcommands: []*cli.Command{{
			Name:      "fetch",
			Usage:     "download a dataset and verify its checksums",
			ArgsUsage: strings.Join(dataCmdFetchable(), "|"),
			Flags:     []cli.Flag{dataCmdDirFlag(), dataCmdMirrorFlag},
			Action:    dataFetchAction,
		}, {
			Name:   "list",
			Usage:  "show which datasets are present and where",
			Flags:  []cli.Flag{dataCmdDirFlag()},
			Action: dataListAction,
		}},
	}, {
		Name:   "doctor",
		Usage:  "show the TensorFlow library, devices, datasets and threads hw1 will use",
		Flags:  []cli.Flag{dataDirFlag},
		Action: doctorAction,
	}, {
		Name:   "version",
		Usage:  "print hw1's version and TensorFlow's",
		Action: versionAction,
	}}
}

// acceptVerbose lets every command take --verbose after its name too ("hw1 list
// --verbose"), not only before it.
func acceptVerbose(cmds []*cli.Command) {
	for _, c := range cmds {
		if !slices.Contains(c.Flags, cli.Flag(verboseFlag)) {
			c.Flags = append(c.Flags, verboseFlag)
		}
		acceptVerbose(c.Subcommands)
	}
}

// onUsageError makes a flag mistake in any command a one-line usage error.
func onUsageError(cmds []*cli.Command) {
	for _, c := range cmds {
		if c.OnUsageError == nil {
			c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return usageError{err} }
		}
		onUsageError(c.Subcommands)
	}
}

// usageError marks an error as a mistake in the command line (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error with a formatted message.
func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// interruptible returns the context of c's command, cancelled when hw1 gets SIGINT
// (Ctrl-C) or SIGTERM, so that a run stops cleanly and exits with status 130; stop
// releases the signals.
func interruptible(c *cli.Context) (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(c.Context, syscall.SIGINT, syscall.SIGTERM)
}

// exitCode prints err, if any, on one line and maps it to the exit status: 0 for
// success, 2 for usage errors (and errors whose Usage method reports true, such as a
// bad --set value), 130 for an interrupted run and 1 for other failures.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "hw1:", err)
	var u usageError
	var ue interface{ Usage() bool }
	var ie interface{ Interrupted() bool }
	switch {
	case errors.As(err, &u), errors.As(err, &ue) && ue.Usage():
		return 2
	case errors.As(err, &ie) && ie.Interrupted():
		return 130
	}
	return 1
}
