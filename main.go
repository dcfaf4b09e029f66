// Command hw1 runs the classic experiments on why deep networks work: deep versus
// shallow, how optimization moves, and what makes a network generalize.
//
// Each problem of the homework is a subcommand target ("hw1 run 1-1"); "hw1 all" runs
// every problem, draws every figure and writes the report. See "hw1 help".
package main

import (
	"errors"
	"fmt"
	"os"
	"slices"

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

// newApp assembles the command line.
func newApp() *cli.App {
	app := &cli.App{
		Name:                 "hw1",
		Usage:                "deep-learning experiments on TensorFlow's C API",
		Version:              version,
		EnableBashCompletion: true,
		Flags:                []cli.Flag{verboseFlag},
		// --set takes lists such as functions=sinc,sign: never split on commas.
		DisableSliceFlagSeparator: true,
		Commands: []*cli.Command{
			listCommand(),
			runCommand(),
			allCommand(),
			mergeCommand(),
			unitsCommand(),
			reportCommand(),
			readmeCommand(),
			plotCommand(),
			dataCommand(),
			doctorCommand(),
			versionCommand(),
		},
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
