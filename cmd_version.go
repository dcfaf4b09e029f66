package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"hw1/tfgraph"
)

// versionAction prints hw1's version and the version of the TensorFlow library it runs
// on ("hw1 version").
func versionAction(c *cli.Context) error {
	fmt.Fprintf(c.App.Writer, "hw1 %s\nTensorFlow %s\n", version, tfgraph.Version())
	return nil
}
