package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"hw1/problems/records"
)

// The kill-and-resume soak runs a short 1-1 end to end once without interruption, then
// starts it again for each of N kill moments spread evenly over the measured run,
// kills it there with SIGKILL and checks what a user would find: readable records, a
// valid manifest wherever there are records, a hw1 plot that succeeds or names what is
// missing, and a --resume whose records equal the uninterrupted run's row for row once
// repeated observations are reduced to the last one written (docs/records.md).
//
// make test runs it with 10 kills; make soak (scripts/soak.sh) with HW1_SOAK_KILLS
// kills, HW1_SOAK_EPOCHS epochs, and HW1_SOAK_DOC naming the file whose soak section
// gets the counts.

// soakSeed is the base seed of every soak run, so that all of them train alike.
const soakSeed = "7"

// soakArgs are the arguments of the soak's 1-1 run: two models on sinc, one thread.
func soakArgs(epochs int, out string) []string {
	return append(quick11(epochs), "--seed", soakSeed, "--out", out)
}

// envInt reads a positive integer from the environment, or returns def when unset.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}

// soakCounts tallies the outcomes of the soak's kills.
type soakCounts struct {
	kills, alive, noFolder, recordsReadable, manifestValid, plotOK, plotMissing, resumed, equal int
	finished, reordered, rowsKept, rowsWritten                                                  int
}

// obsKey identifies one observation: the documented (run, model, split, seed, step)
// key of a metric, with the epoch as the x of a series.
type obsKey struct {
	key    records.Key
	metric string
	epoch  string
}

// lastWritten reduces repeated observations to the last row written, at the place of
// that row, as the readers of a resumed run do (docs/records.md).
func lastWritten(tab records.Table) records.Table {
	key := func(r records.Row) obsKey {
		return obsKey{r.Key(), r.Metric, strconv.FormatFloat(r.Epoch, 'g', -1, 64)}
	}
	last := make(map[obsKey]int, len(tab))
	for i, r := range tab {
		last[key(r)] = i
	}
	out := make(records.Table, 0, len(last))
	for i, r := range tab {
		if last[key(r)] == i {
			out = append(out, r)
		}
	}
	return out
}

// canonical returns the rows of tab sorted by run, model, split, seed, step, epoch and
// metric: the order in which two tables of distinct observations are compared.
func canonical(tab records.Table) records.Table {
	out := slices.Clone(tab)
	slices.SortStableFunc(out, func(a, b records.Row) int {
		return cmp.Or(cmp.Compare(a.Run, b.Run), cmp.Compare(a.Model, b.Model), cmp.Compare(a.Split, b.Split),
			cmp.Compare(a.Seed.String(), b.Seed.String()), cmp.Compare(a.Step, b.Step),
			cmp.Compare(a.Epoch, b.Epoch), cmp.Compare(a.Metric, b.Metric))
	})
	return out
}

// sameFloat reports whether a and b are the same number, NaN included.
func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// sameRow reports whether two rows hold the same cells.
func sameRow(a, b records.Row) bool {
	return a.Run == b.Run && a.Model == b.Model && a.Split == b.Split && a.Seed == b.Seed &&
		a.Step == b.Step && sameFloat(a.Epoch, b.Epoch) && a.Metric == b.Metric && sameFloat(a.Value, b.Value)
}

// diffTables describes the first difference between got and want, or returns "".
func diffTables(got, want records.Table) string {
	for i := range min(len(got), len(want)) {
		if !sameRow(got[i], want[i]) {
			return fmt.Sprintf("row %d: got %+v, want %+v", i+1, got[i], want[i])
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("%d rows, want %d", len(got), len(want))
	}
	return ""
}

// diffSummaries describes the difference between two manifests' typed summaries, or
// returns "". Both are decoded from JSON and compared value by value.
func diffSummaries(got, want json.RawMessage) string {
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		return fmt.Sprintf("summary after --resume: %v", err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		return fmt.Sprintf("summary of the uninterrupted run: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		return fmt.Sprintf("summary %s, want %s", got, want)
	}
	return ""
}

// killAt waits until the process of cmd exits or the moment at comes, whichever is
// first, then kills it with SIGKILL and reaps it. It reports whether the process was
// still running when it was killed.
func killAt(cmd *exec.Cmd, at time.Time) bool {
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	timer := time.NewTimer(time.Until(at))
	defer timer.Stop()
	select {
	case <-done:
		return false
	case <-timer.C:
	}
	alive := cmd.Process.Signal(syscall.SIGKILL) == nil
	<-done
	// The process may have exited by itself between the timer and the signal.
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
		alive = alive && ws.Signaled()
	}
	return alive
}

// readRecordsOrNone reads dir's 1-1 records; a file that does not exist yet or holds no
// complete row gives an empty table.
func readRecordsOrNone(path string) (records.Table, bool, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	tab, err := records.Read(path)
	if errors.Is(err, records.ErrNoRows) {
		return nil, true, nil
	}
	return tab, true, err
}

func TestSoakKillAndResume(t *testing.T) {
	longTest(t)
	kills := envInt(t, "HW1_SOAK_KILLS", 10)
	epochs := envInt(t, "HW1_SOAK_EPOCHS", 150)

	ref := t.TempDir()
	start := time.Now()
	if out, code := hw1(t, soakArgs(epochs, ref)...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, out)
	}
	total := time.Since(start)
	refRecords := filepath.Join(ref, "1-1", records.RecordsFile)
	written, err := records.Read(refRecords)
	if err != nil {
		t.Fatalf("records of the uninterrupted run: %v", err)
	}
	want := lastWritten(written)
	if len(want) != len(written) {
		t.Fatalf("the uninterrupted run repeats %d observations", len(written)-len(want))
	}
	refMan, err := records.ReadManifest(filepath.Join(ref, "1-1", records.ManifestFile))
	if err != nil {
		t.Fatalf("manifest of the uninterrupted run: %v", err)
	}
	t.Logf("uninterrupted run: %d rows in %v; %d kills, one every %v", len(want), total.Round(time.Millisecond), kills, (total / time.Duration(kills+1)).Round(time.Millisecond))

	var c soakCounts
	for i := 1; i <= kills; i++ {
		after := total * time.Duration(i) / time.Duration(kills+1)
		t.Run(fmt.Sprintf("kill %d of %d", i, kills), func(t *testing.T) {
			dir := t.TempDir()
			folder := filepath.Join(dir, "1-1")
			cmd, buf := startRun(t, soakArgs(epochs, dir)...)
			c.kills++
			alive := killAt(cmd, time.Now().Add(after))
			if alive {
				c.alive++
			} else if cmd.ProcessState.ExitCode() != 0 {
				t.Fatalf("the run stopped by itself before the kill: exit %d\n%s", cmd.ProcessState.ExitCode(), buf)
			}

			tab, exists, err := readRecordsOrNone(filepath.Join(folder, records.RecordsFile))
			if err != nil {
				t.Errorf("records after SIGKILL at %v: %v", after, err)
			} else {
				c.recordsReadable++
			}
			man, merr := records.ReadManifest(filepath.Join(folder, records.ManifestFile))
			_, statErr := os.Stat(folder)
			switch {
			case merr == nil && man.Status == records.StatusRunning:
				c.manifestValid++
			case merr == nil && man.Status == records.StatusOK:
				// Killed after the final manifest, on the way out, or finished.
				c.manifestValid++
				c.finished++
			case merr == nil:
				t.Errorf("manifest after SIGKILL at %v: status %q, want running or ok", after, man.Status)
			case !exists && errors.Is(merr, os.ErrNotExist):
				// Killed before the records file was created: no manifest is due yet.
				c.manifestValid++
			default:
				t.Errorf("manifest after SIGKILL at %v (records file present: %v): %v", after, exists, merr)
			}
			if errors.Is(statErr, os.ErrNotExist) {
				c.noFolder++
			}

			plotOut, plotCode := hw1(t, "plot", "1-1", "--in", dir)
			recPath := filepath.Join(folder, records.RecordsFile)
			if exists || plotCode != 1 || !strings.Contains(plotOut, recPath) || !strings.Contains(plotOut, "no such file") {
				// Without a records file, plot must name that file as missing.
				plotNamesWhatIsMissing(t, plotOut, plotCode)
			}
			if !t.Failed() {
				if plotCode == 0 {
					c.plotOK++
				} else {
					c.plotMissing++
				}
			}

			out, code := hw1(t, append(soakArgs(epochs, dir), "--resume")...)
			if code != 0 {
				t.Fatalf("--resume after SIGKILL at %v (%d rows kept): exit %d\n%s", after, len(tab), code, out)
			}
			c.resumed++
			got, err := records.Read(filepath.Join(folder, records.RecordsFile))
			if err != nil {
				t.Fatalf("records after --resume: %v", err)
			}
			final, err := records.ReadManifest(filepath.Join(folder, records.ManifestFile))
			if err != nil {
				t.Fatalf("manifest after --resume: %v", err)
			}
			if final.Status != records.StatusOK {
				t.Errorf("manifest status %q after --resume, want ok", final.Status)
			}
			c.rowsKept += len(tab)
			c.rowsWritten += len(got)
			// The file order of a resumed run may differ (1-1 writes the ground truth
			// again after the models it kept); the comparison is of the distinct
			// observations in one canonical order, and a different file order is counted.
			reduced := lastWritten(got)
			if diffTables(reduced, want) != "" {
				c.reordered++
			}
			diff := diffTables(canonical(reduced), canonical(want))
			if diff == "" {
				diff = diffSummaries(final.Summary, refMan.Summary)
			}
			if diff != "" {
				t.Errorf("after SIGKILL at %v (%d rows kept) and --resume, the records differ from the uninterrupted run's: %s", after, len(tab), diff)
			} else {
				c.equal++
			}
			t.Logf("SIGKILL at %v (running: %v): %d rows kept, plot exit %d, resume wrote %d rows", after, alive, len(tab), plotCode, len(got))
		})
	}
	t.Logf("%d kills (%d of a running process, %d before the output folder existed); records readable %d, manifest valid %d, plot ok %d or naming what is missing %d, --resume ok %d, records equal %d (%d in another file order)",
		c.kills, c.alive, c.noFolder, c.recordsReadable, c.manifestValid, c.plotOK, c.plotMissing, c.resumed, c.equal, c.reordered)
	if doc := os.Getenv("HW1_SOAK_DOC"); doc != "" {
		if err := writeSoakSection(doc, soakSection(c, epochs, len(want), total, t.Failed())); err != nil {
			t.Fatal(err)
		}
	}
}

// Markers of the soak's part of docs/faults.md, inside its hand-written "Measured"
// section so that make faults keeps it.
const (
	soakBegin = "<!-- soak: written by make soak -->"
	soakEnd   = "<!-- end soak -->"
)

// soakSection formats the soak's counts for docs/faults.md.
func soakSection(c soakCounts, epochs, rows int, total time.Duration, failed bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- **Kill-and-resume soak** (`make soak`, soak_test.go, %s). A 1-1 run (sinc, depths 1 and 4, %d epochs, one thread, seed %s) took %.1f s uninterrupted and wrote %d rows. It was started %d more times and killed with SIGKILL at %d moments spread evenly over those %.1f s (every %.2f s).\n",
		time.Now().UTC().Format("2006-01-02"), epochs, soakSeed, total.Seconds(), rows, c.kills, c.kills, total.Seconds(), total.Seconds()/float64(c.kills+1))
	fmt.Fprintf(&b, "  - %d kills hit a running process (%d came before the output folder existed; %d came after the run had finished by itself; %d found the final manifest, status ok, written).\n", c.alive, c.noFolder, c.kills-c.alive, c.finished)
	fmt.Fprintf(&b, "  - Records readable: %d of %d. Manifest present and valid wherever there were records: %d of %d. `hw1 plot`: exit 0 %d times, exit 1 naming the missing records or records file %d times.\n",
		c.recordsReadable, c.kills, c.manifestValid, c.kills, c.plotOK, c.plotMissing)
	fmt.Fprintf(&b, "  - `--resume` finished ok %d of %d times; its records, reduced to the last row written of each observation, equalled the uninterrupted run's row for row, in one canonical order (and its manifest summary value for value), %d of %d times; %d of these resumed files hold the same rows in another order than the uninterrupted run's. The killed runs had kept %d rows in all; the resumes wrote %d.\n",
		c.resumed, c.kills, c.equal, c.kills, c.reordered, c.rowsKept, c.rowsWritten)
	if failed {
		b.WriteString("  - **The soak FAILED**: see the test log.\n")
	}
	return b.String()
}

// writeSoakSection replaces the soak's part of the file at path with body, or appends
// it when the file has none yet.
func writeSoakSection(path, body string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("soak: %w", err)
	}
	s := string(old)
	part := soakBegin + "\n" + body + soakEnd + "\n"
	i, j := strings.Index(s, soakBegin), strings.Index(s, soakEnd)
	if i >= 0 && j > i {
		s = s[:i] + part + strings.TrimPrefix(s[j+len(soakEnd):], "\n")
	} else {
		s = strings.TrimRight(s, "\n") + "\n" + part
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		return fmt.Errorf("soak: %w", err)
	}
	return nil
}
