package problems

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"hw1/problems/records"
	"hw1/tfgraph"
)

// RunResult is what Execute reports about one problem's run.
type RunResult struct {
	Problem  Problem
	Dir      string
	Manifest *records.Manifest
	Skipped  bool // Resume found the problem already finished
	Shards   int  // the number of shards Merge merged
}

// DecodeSummary reads the run's typed summary into v, a pointer to the problem's
// summary struct (see records.DecodeSummary).
func (r RunResult) DecodeSummary(v any) error {
	if r.Manifest == nil {
		return fmt.Errorf("problems: %s: no manifest", r.Problem.Name)
	}
	if err := records.DecodeSummary(r.Manifest.Summary, v); err != nil {
		return fmt.Errorf("problems: %s: %w", r.Manifest.Problem, err)
	}
	return nil
}

// InterruptedError reports a run stopped by a signal; its records and checkpoints
// are kept for --resume.
type InterruptedError struct{ Problem string }

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("problems: %s interrupted; rerun with --resume to continue", e.Problem)
}

// Interrupted reports true: the command line maps it to exit status 130.
func (e *InterruptedError) Interrupted() bool { return true }

// Execute runs p with env: it takes the output folder's lock, writes the manifest
// (running, then ok, failed or interrupted), writes the records and returns the
// result. With env.Resume a problem whose manifest says ok is skipped, and an
// unfinished one continues from its checkpoints.
func Execute(ctx context.Context, p Problem, env Env, version string) (*RunResult, error) {
	res := &RunResult{Problem: p, Dir: env.Dir}
	if err := env.Shard.Check(); err != nil {
		return res, err
	}
	var shard *records.Shard
	if env.Shard.Sharded() {
		units, err := Units(p, &env)
		if err != nil {
			return res, err
		}
		shard = &records.Shard{Index: env.Shard.Index, Count: env.Shard.Count, Units: len(units), Seed: env.Seed}
	}
	unlock, err := lock(p.Name, env.Dir)
	if err != nil {
		return res, err
	}
	defer unlock()

	manPath := filepath.Join(env.Dir, records.ManifestFile)
	recPath := filepath.Join(env.Dir, records.RecordsFile)
	if env.Resume {
		m, err := resumable(manPath, recPath)
		if err != nil {
			return res, fmt.Errorf("problems: %s: cannot resume, nothing changed: %w", p.Name, err)
		}
		if m != nil && m.Status == records.StatusOK {
			res.Manifest, res.Skipped = m, true
			return res, nil
		}
	}
	man := &records.Manifest{
		Problem:    p.Name,
		Profile:    string(env.profile()),
		Status:     records.StatusRunning,
		Settings:   map[string]any{},
		Device:     deviceName(env.Session.Device),
		Threads:    threads(env.Session),
		HW1Version: version,
		Start:      time.Now().UTC(),
		TensorFlow: records.TensorFlow{Version: tfgraph.Version(), Library: tfgraph.LibraryPath()},
		Shard:      shard,
	}
	res.Manifest = man
	// The manifest goes first, atomically: a folder that has records always has a
	// valid manifest, even when the run is killed between the two writes.
	if err := records.WriteManifest(manPath, man); err != nil {
		return res, fmt.Errorf("problems: %s: %w", p.Name, err)
	}
	var w *records.Writer
	if _, statErr := os.Stat(recPath); env.Resume && statErr == nil {
		w, err = records.Open(recPath)
	} else {
		w, err = records.Create(recPath)
	}
	if err != nil {
		man.Status, man.Error, man.End = records.StatusFailed, oneLine(err.Error()), time.Now().UTC()
		records.WriteManifest(manPath, man)
		return res, fmt.Errorf("problems: %s: %w", p.Name, err)
	}
	rec := &Recorder{dir: env.Dir, w: w, man: man}
	if !env.NoTensorBoard {
		if rec.tb, err = openTensorBoard(env.Dir); err != nil {
			w.Close()
			return res, err
		}
	}
	runErr := p.Run(ctx, &env, rec)
	if runErr == nil && !env.Shard.Sharded() && p.Finish != nil {
		runErr = p.Finish(ctx, &env, rec)
	}
	if cerr := rec.w.Close(); runErr == nil && cerr != nil {
		runErr = cerr
	}
	if rec.tb != nil {
		if cerr := rec.tb.close(); runErr == nil && cerr != nil {
			runErr = cerr
		}
	}
	man.End = time.Now().UTC()
	man.WallSecs = man.End.Sub(man.Start).Seconds()
	switch {
	case runErr == nil:
		man.Status = records.StatusOK
	case ctx.Err() != nil:
		man.Status = records.StatusInterrupted
		man.Error = "interrupted"
		runErr = &InterruptedError{Problem: p.Name}
	default:
		man.Status = records.StatusFailed
		man.Error = oneLine(runErr.Error())
	}
	if err := records.WriteManifest(manPath, man); err != nil && runErr == nil {
		runErr = fmt.Errorf("problems: %s: %w", p.Name, err)
	}
	return res, runErr
}

// resumable checks the state a resumed run continues from, before anything is
// written: the manifest, when present, must read and validate (a truncated one, or one
// of another schema, is an error naming it), and the records, when present, must
// parse, every line but a cut last one. It returns the manifest, or nil when there is
// none.
func resumable(manPath, recPath string) (*records.Manifest, error) {
	var m *records.Manifest
	if _, err := os.Stat(manPath); err == nil {
		if m, err = records.ReadManifest(manPath); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat(recPath); err == nil {
		if _, err := records.Read(recPath); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// lock creates dir, problem's output folder, when it is missing and takes dir/.lock
// for this process. A lock held by a live process is an error that names it; a stale
// lock left by a killed run is taken over.
func lock(problem, dir string) (func(), error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("problems: %s: cannot create output folder: %w", problem, err)
	}
	path := filepath.Join(dir, ".lock")
	for attempt := 0; attempt < 2; attempt++ {
		// The pid is written to a file of this process's own, which is then linked
		// into place: the lock never exists without the pid of its holder, so no
		// other run can take it for a stale one while it is being written.
		tmp := fmt.Sprintf("%s.%d", path, os.Getpid())
		if err := os.WriteFile(tmp, fmt.Appendf(nil, "%d\n", os.Getpid()), 0o644); err != nil {
			return nil, fmt.Errorf("problems: cannot write to %s: %w", dir, err)
		}
		err := os.Link(tmp, path)
		os.Remove(tmp)
		if err == nil {
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("problems: cannot write to %s: %w", dir, err)
		}
		b, _ := os.ReadFile(path)
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if pid > 0 && pid != os.Getpid() && syscall.Kill(pid, 0) == nil {
			return nil, fmt.Errorf("problems: %s is in use by another hw1 run (pid %d); choose another --out", dir, pid)
		}
		os.Remove(path)
	}
	return nil, fmt.Errorf("problems: cannot lock %s", dir)
}

func deviceName(d string) string {
	if d == "" {
		return "default"
	}
	return d
}

func threads(s tfgraph.SessionConfig) int {
	if s.IntraOpThreads > 0 {
		return s.IntraOpThreads
	}
	return runtime.NumCPU()
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
