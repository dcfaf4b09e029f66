package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"hw1/tfgraph"
)

// versionCommand prints hw1's version and the version of the TensorFlow library it runs on.
func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print hw1's version and TensorFlow's",
		Action: func(c *cli.Context) error {
			fmt.Fprintf(c.App.Writer, "hw1 %s\nTensorFlow %s\n", version, tfgraph.Version())
			return nil
		},
	}
}
