package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"hw1/problems"
)

// problemCount says how many problems a command takes as its arguments.
type problemCount int

const (
	oneOrMore  problemCount = iota // PROBLEM...
	exactlyOne                     // PROBLEM
)

// withProblems returns the action of a command whose arguments name problems: it
// checks that there are as many as want says, looks each up, and calls action with
// them in the order given. A missing, extra or unknown name is a usage error.
func withProblems(want problemCount, action func(*cli.Context, []problems.Problem) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		names := c.Args().Slice()
		switch {
		case want == exactlyOne && len(names) != 1:
			return usagef("%s needs exactly one problem; see hw1 list", c.Command.Name)
		case len(names) == 0:
			return usagef("%s needs at least one problem; see hw1 list", c.Command.Name)
		}
		var ps []problems.Problem
		for _, n := range names {
			p, ok := problems.Lookup(n)
			if !ok {
				return usagef("unknown problem %q (problems: %v)", n, problems.Names())
			}
			ps = append(ps, p)
		}
		return action(c, ps)
	}
}

// interspersed moves the flags of a command that come after its arguments in front
// of them, so that "hw1 run 1-1 --out x" means what it says: urfave/cli stops reading
// flags at the first argument. Commands with subcommands are left alone, and so is
// everything after "--".
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	cmd := app.Command(args[1])
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, rest []string
	for i := 2; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if takesValue[name] && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	out := append([]string{}, args[:2]...)
	out = append(out, flags...)
	return append(out, rest...)
}
