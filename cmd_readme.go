package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"hw1/plots"
	"hw1/problems"
	"hw1/problems/records"
)

// markers returns the begin and end markers of the README block called name: hw1
// readme writes the quick profile's findings into the block "findings" by default.
func markers(name string) (begin, end string) {
	return "<!-- " + name + ":begin (written by hw1 readme; do not edit by hand) -->", "<!-- " + name + ":end -->"
}

// readmeFigures names, per problem, the figure the README shows; its PNG is copied to
// docs/figures/<problem>-<figure>.png.
var readmeFigures = map[string]string{
	records.Problem11: "predictions-sign",
	records.Problem21: "pca-model",
	records.Problem31: "curves-random-labels",
	records.Problem33: "sensitivity",
}

var (
	readmeFlag = &cli.StringFlag{Name: "readme", Value: "README.md", Usage: "the README whose findings block to rewrite", Category: "Output"}
	blockFlag  = &cli.StringFlag{Name: "block", Value: "findings", Usage: "the block to rewrite, between <!-- NAME:begin ... --> and <!-- NAME:end -->; a block other than findings copies its figures as docs/figures/NAME-PROBLEM-FIGURE.png, without a leading findings-", Category: "Output"}
)

// readmeAction rewrites the README's findings from the summaries of a run, so that its
// captions and claims are the run's own numbers ("hw1 readme").
func readmeAction(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("readme takes no arguments")
	}
	path := c.String(readmeFlag.Name)
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("hw1: %w", err)
	}
	name := c.String(blockFlag.Name)
	if !validBlockName(name) {
		return usagef("--block %q: want letters, digits and dashes", name)
	}
	prefix := "" // docs/figures/<prefix><problem>-<figure>.png
	if name != "findings" {
		prefix = strings.TrimPrefix(name, "findings-") + "-"
	}
	block, figs, err := readmeBlock(c.String(outFlag.Name), prefix)
	if err != nil {
		return err
	}
	begin, end := markers(name)
	updated, err := replaceBlock(old, block, begin, end)
	if err != nil {
		return fmt.Errorf("hw1: %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for dst, src := range figs {
		data, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("hw1: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), data, 0o644); err != nil {
			return fmt.Errorf("hw1: %w", err)
		}
	}
	if err := os.WriteFile(path, updated, 0o644); err != nil {
		return fmt.Errorf("hw1: %w", err)
	}
	fmt.Fprintln(c.App.Writer, path)
	return nil
}

// validBlockName reports whether name can stand in a block's markers.
func validBlockName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// readmeBlock returns the findings block for the runs in out, and the figures to copy:
// destination (relative to the README, docs/figures/<prefix><problem>-<figure>.png) to
// source PNG.
func readmeBlock(out, prefix string) (string, map[string]string, error) {
	var b strings.Builder
	figs := map[string]string{}
	ran := 0
	for _, p := range problems.All() {
		s := reportSection(out, p)
		m := s.Manifest
		if m == nil || m.Status != records.StatusOK {
			continue
		}
		ran++
		fmt.Fprintf(&b, "### %s · %s\n\n", p.Name, p.Title)
		facts := []string{fmt.Sprintf("%s profile", m.Profile)}
		if d := plots.DataSentence(m.Dataset); d != "" {
			facts = append(facts, strings.TrimSuffix(d, "."))
		}
		facts = append(facts, fmt.Sprintf("%d seeds", len(m.Seeds)), fmt.Sprintf("%.0f s", m.WallSecs))
		fmt.Fprintf(&b, "*%s.*\n\n", strings.Join(facts, "; "))
		for _, d := range s.Figures {
			if d.Name != readmeFigures[p.Name] || len(d.Files) == 0 || !strings.HasSuffix(d.Files[0], ".png") {
				continue
			}
			dst := filepath.ToSlash(filepath.Join("docs", "figures", prefix+p.Name+"-"+d.Name+".png"))
			figs[dst] = d.Files[0]
			fmt.Fprintf(&b, "![%s %s](%s)\n\n*%s.* %s\n\n", p.Name, d.Name, dst, d.Name, d.Caption)
		}
		if s.Answer != "" {
			fmt.Fprintf(&b, "%s\n\n", s.Answer)
		}
	}
	if ran == 0 {
		return "", nil, fmt.Errorf("hw1: no finished run in %s: run hw1 all --out %s first", out, out)
	}
	return strings.TrimSpace(b.String()), figs, nil
}

// replaceBlock returns readme with the text between the markers begin and end
// replaced by block. Both markers must be there, in order.
func replaceBlock(readme []byte, block, begin, end string) ([]byte, error) {
	i := bytes.Index(readme, []byte(begin))
	j := bytes.Index(readme, []byte(end))
	if i < 0 || j < i {
		return nil, errors.New("no block markers (" + begin + " ... " + end + ")")
	}
	var out bytes.Buffer
	out.Write(readme[:i+len(begin)])
	out.WriteString("\n" + block + "\n")
	out.Write(readme[j:])
	return out.Bytes(), nil
}
