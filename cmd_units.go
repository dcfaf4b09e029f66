package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"hw1/problems"
)

// unitsAction prints the number of independent units of the one problem in ps, so that
// a script can size a job array (--array=0-$((n-1))) ("hw1 units PROBLEM").
func unitsAction(c *cli.Context, ps []problems.Problem) error {
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
}
