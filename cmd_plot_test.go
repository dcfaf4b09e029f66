package main

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"hw1/problems/records"
)

// commandApp returns hw1's app with the command called name as its only command,
// writing to out.
func commandApp(out *bytes.Buffer, name string) *cli.App {
	app := newApp()
	app.Commands = []*cli.Command{app.Command(name)}
	app.Writer, app.ErrWriter = out, out
	return app
}

func TestPlotCommand(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "3-2"), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := records.Create(filepath.Join(dir, "3-2", "records.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for i, params := range []float64{100, 1000, 10000} {
		row := func(split, metric string, v float64) {
			if err := w.Write(records.Row{Run: "sweep", Model: "m" + string(rune('a'+i)), Split: split, Step: i, Epoch: math.NaN(), Metric: metric, Value: v}); err != nil {
				t.Fatal(err)
			}
		}
		row("", "params", params)
		row("train", "loss", 1/float64(i+1))
		row("test", "loss", 2/float64(i+1))
		row("train", "accuracy", 0.5+0.1*float64(i))
		row("test", "accuracy", 0.4+0.1*float64(i))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := commandApp(&out, "plot").Run([]string{"hw1", "plot", "--in", dir, "3-2"}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := []string{filepath.Join(dir, "3-2", "figures", "params.png"), filepath.Join(dir, "3-2", "figures", "params.svg")}
	if got := strings.Fields(out.String()); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("printed %q, want %q", got, want)
	}
	for _, p := range want {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}

	// A problem without records: an error, exit status 1.
	out.Reset()
	err = commandApp(&out, "plot").Run([]string{"hw1", "plot", "--in", dir, "1-1"})
	if !errors.Is(err, os.ErrNotExist) || exitCodeQuiet(err) != 1 {
		t.Errorf("missing records: %v", err)
	}
}

func TestPlotCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"hw1", "plot"}, {"hw1", "plot", "4-4"}, {"hw1", "plot", "1-1", "x"}} {
		var out bytes.Buffer
		err := commandApp(&out, "plot").Run(args)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("%v: got %v, want a usage error", args, err)
		}
	}
}

// exitCodeQuiet is exitCode without the message on stderr.
func exitCodeQuiet(err error) int {
	stderr := os.Stderr
	os.Stderr, _ = os.Open(os.DevNull)
	defer func() { os.Stderr = stderr }()
	return exitCode(err)
}
