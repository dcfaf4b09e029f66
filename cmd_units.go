package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"hw1/problems"
)

// unitsCommand prints the number of independent units of a problem, so that a script
// can size a job array (--array=0-$((n-1))).
func unitsCommand() *cli.Command {
	return &cli.Command{
		Name:      "units",
		Usage:     "print the number of independent units (trainings) of a problem, for sizing a job array",
		ArgsUsage: "PROBLEM",
		Flags:     []cli.Flag{profileFlag, seedFlag, setFlag},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("units needs exactly one problem; see hw1 list")
			}
			ps, err := lookupProblems(c.Args().Slice())
			if err != nil {
				return err
			}
			p := ps[0]
			profile, err := problems.ParseProfile(c.String(profileFlag.Name))
			if err != nil {
				return usageError{err}
			}
			overrides, err := problemOverrides(c.StringSlice(setFlag.Name), p.Name, false)
			if err != nil {
				return err
			}
			if err := problems.CheckSettings(p.Name, profile, overrides); err != nil {
				return err
			}
			units, err := problems.Units(p, &problems.Env{Profile: profile, Seed: c.Uint64(seedFlag.Name), Overrides: overrides})
			if err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, len(units))
			return nil
		},
	}
}
