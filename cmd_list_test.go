package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"hw1/plots"
	"hw1/problems"
	"hw1/problems/records"
)

// TestProblemLists checks that the command line, the figures and the Makefile all
// follow the one ordered list of problems, records.Problems.
func TestProblemLists(t *testing.T) {
	want := records.Problems()
	out, code := hw1(t, "list", "--names")
	if code != 0 {
		t.Fatalf("hw1 list --names: exit status %d: %s", code, out)
	}
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^PROBLEMS\s*:?=\s*(.*)$`).FindSubmatch(makefile)
	if m == nil {
		t.Fatal("Makefile: no PROBLEMS line")
	}
	for _, c := range []struct {
		name string
		got  []string
	}{
		{"hw1 list --names", strings.Fields(out)},
		{"problems.Names", problems.Names()},
		{"plots.Problems", plots.Problems()},
		{"Makefile PROBLEMS", strings.Fields(string(m[1]))},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !slices.Equal(c.got, want) {
				t.Errorf("%s = %v, want records.Problems() = %v", c.name, c.got, want)
			}
		})
	}
}
