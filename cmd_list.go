package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"hw1/plots"
	"hw1/problems"
)

// namesFlag makes list print the problem names alone, one a line, for scripts.
var namesFlag = &cli.BoolFlag{Name: "names", Usage: "print only the problem names, one a line, in order"}

// listAction lists the problems with their question, settings and figures ("hw1 list"),
// or their names alone with --names.
func listAction(c *cli.Context) error {
	w := c.App.Writer
	for _, p := range problems.All() {
		if c.Bool(namesFlag.Name) {
			fmt.Fprintln(w, p.Name)
			continue
		}
		fmt.Fprintf(w, "%s  %s\n      %s\n", p.Name, p.Title, p.Question)
		if s := problems.SettingNames(p.Name); len(s) > 0 {
			fmt.Fprintf(w, "      settings (--set KEY=VALUE): %v\n", s)
		}
		for _, f := range plots.Figures(p.Name) {
			fmt.Fprintf(w, "      figure %s: %s\n", f.Name, f.Caption)
		}
	}
	return nil
}
