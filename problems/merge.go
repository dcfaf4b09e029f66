package problems

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"hw1/problems/records"
)

// MergeError reports shards that cannot be merged; Shard names the first missing or
// mismatched one (-1 when the fault is not one shard's).
type MergeError struct {
	Problem string
	Shard   int
	Reason  string
}

func (e *MergeError) Error() string {
	if e.Shard < 0 {
		return fmt.Sprintf("problems: merge %s: %s; nothing merged", e.Problem, e.Reason)
	}
	return fmt.Sprintf("problems: merge %s: shard %d %s; nothing merged", e.Problem, e.Shard, e.Reason)
}

// shardFolders are the per-unit folders of a shard that Merge gathers into the merged
// folder, where Finish and the readers of a run's files find them; checkpoints and
// TensorBoard events stay in the shards.
var shardFolders = []string{records.ParamsDir, snapshotsDir}

// Merge merges the shards of p found in env.Dir/shards/ into env.Dir, as an unsharded
// run of the same settings would have left it: records.csv (in records.Canonical
// order), the per-unit files Finish needs (params/, snapshots/), the cross-unit rows
// and manifest.json with the typed summary. count is the number of shards, or 0 to
// take it from shard 0's manifest.
//
// Before writing anything it checks that shards 0 to count-1 are all there, finished
// ok, of p, and agree on the shard count, settings, base seed, seeds, profile, schema
// and hw1 version, and that this is that version of hw1 (version); otherwise it
// returns a *MergeError naming the first faulty shard.
// env supplies the output folder and the log; the settings, profile and seed come
// from the shards.
func Merge(ctx context.Context, p Problem, env Env, count int, version string) (*RunResult, error) {
	res := &RunResult{Problem: p, Dir: env.Dir}
	mans, tabs, err := checkShards(p, env.Dir, count)
	if err != nil {
		return res, err
	}
	first := mans[0]
	res.Shards = len(mans)
	if first.HW1Version != version {
		// The finish step runs here: with other code it could summarise differently.
		return res, &MergeError{Problem: p.Name, Shard: -1, Reason: fmt.Sprintf("the shards were run by hw1 %s, this is hw1 %s", first.HW1Version, version)}
	}
	unlock, err := lock(p.Name, env.Dir)
	if err != nil {
		return res, err
	}
	defer unlock()

	env.Profile, env.Seed, env.Shard, env.Resume, env.NoTensorBoard = Profile(first.Profile), first.Shard.Seed, Shard{}, false, true
	env.Overrides = overridesOf(first.Settings)
	start := time.Now().UTC()
	man := &records.Manifest{
		Problem: p.Name, Profile: first.Profile, Status: records.StatusRunning,
		Settings: first.Settings, Seeds: first.Seeds, Dataset: first.Dataset, TensorFlow: first.TensorFlow,
		Device: first.Device, Threads: first.Threads, HW1Version: first.HW1Version, Start: start,
	}
	var wall float64
	for _, m := range mans {
		if m.Start.Before(man.Start) {
			man.Start = m.Start
		}
		wall += m.WallSecs
		for _, n := range m.Notes {
			if !slices.Contains(man.Notes, n) {
				man.Notes = append(man.Notes, n)
			}
		}
	}
	res.Manifest = man
	manPath := filepath.Join(env.Dir, records.ManifestFile)
	recPath := filepath.Join(env.Dir, records.RecordsFile)
	if err := records.WriteManifest(manPath, man); err != nil {
		return res, fmt.Errorf("problems: %s: %w", p.Name, err)
	}
	fail := func(err error) (*RunResult, error) {
		man.Status, man.Error, man.End = records.StatusFailed, oneLine(err.Error()), time.Now().UTC()
		man.WallSecs = wall + man.End.Sub(start).Seconds()
		records.WriteManifest(manPath, man)
		return res, err
	}
	var all records.Table
	for _, t := range tabs {
		all = append(all, t...)
	}
	if err := writeTable(recPath, records.Canonical(all)); err != nil {
		return fail(err)
	}
	for i := range mans {
		for _, dir := range shardFolders {
			if err := copyTree(filepath.Join(ShardDir(env.Dir, i), dir), filepath.Join(env.Dir, dir)); err != nil {
				return fail(fmt.Errorf("problems: merge %s: shard %d: %w", p.Name, i, err))
			}
		}
	}
	w, err := records.Open(recPath)
	if err != nil {
		return fail(err)
	}
	rec := &Recorder{dir: env.Dir, w: w, man: man}
	var ferr error
	if p.Finish != nil {
		ferr = p.Finish(ctx, &env, rec)
	}
	if cerr := rec.w.Close(); ferr == nil {
		ferr = cerr
	}
	if ferr != nil {
		return fail(ferr)
	}
	// Finish appends its cross-unit rows: the whole file goes back to canonical order.
	merged, err := records.Read(recPath)
	if err != nil {
		return fail(fmt.Errorf("problems: %w", err))
	}
	if err := writeTable(recPath, records.Canonical(merged)); err != nil {
		return fail(err)
	}
	man.Status, man.End = records.StatusOK, time.Now().UTC()
	man.WallSecs = wall + man.End.Sub(start).Seconds()
	if err := records.WriteManifest(manPath, man); err != nil {
		return res, fmt.Errorf("problems: %s: %w", p.Name, err)
	}
	return res, nil
}

// checkShards reads the manifests and records of the shards of p under dir and checks
// that they can be merged (see Merge).
func checkShards(p Problem, dir string, count int) ([]*records.Manifest, []records.Table, error) {
	bad := func(i int, format string, args ...any) error {
		return &MergeError{Problem: p.Name, Shard: i, Reason: fmt.Sprintf(format, args...)}
	}
	if count < 0 {
		return nil, nil, bad(-1, "--shards %d: want at least 1", count)
	}
	read := func(i int) (*records.Manifest, error) {
		path := filepath.Join(ShardDir(dir, i), records.ManifestFile)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, bad(i, "is missing (no %s)", path)
		}
		m, err := records.ReadManifest(path)
		if err != nil {
			return nil, bad(i, "has no readable manifest: %v", err)
		}
		return m, nil
	}
	first, err := read(0)
	if err != nil {
		return nil, nil, err
	}
	if first.Shard == nil {
		return nil, nil, bad(0, "is not a shard (its manifest has no shard field)")
	}
	if count == 0 {
		count = first.Shard.Count
	}
	for i := range count { // the missing shards first: a task that never ran
		if path := filepath.Join(ShardDir(dir, i), records.ManifestFile); !exists(path) {
			return nil, nil, bad(i, "is missing (no %s)", path)
		}
	}
	if extra := ShardDir(dir, count); exists(extra) {
		return nil, nil, bad(count, "is there (%s) but the run has %d shards", extra, count)
	}
	mans := make([]*records.Manifest, count)
	tabs := make([]records.Table, count)
	for i := range mans {
		m := first
		if i > 0 {
			if m, err = read(i); err != nil {
				return nil, nil, err
			}
		}
		switch {
		case m.Problem != p.Name:
			return nil, nil, bad(i, "is of problem %s, not %s", m.Problem, p.Name)
		case m.Status != records.StatusOK:
			msg := ""
			if m.Error != "" {
				msg = ": " + m.Error
			}
			return nil, nil, bad(i, "is %s%s; rerun it with --resume", m.Status, msg)
		case m.Shard == nil:
			return nil, nil, bad(i, "is not a shard (its manifest has no shard field)")
		case m.Shard.Index != i || m.Shard.Count != count:
			return nil, nil, bad(i, "is shard %d of %d, want %d of %d", m.Shard.Index, m.Shard.Count, i, count)
		case m.Shard.Units != first.Shard.Units:
			return nil, nil, bad(i, "has %d units, shard 0 %d", m.Shard.Units, first.Shard.Units)
		case m.Shard.Seed != first.Shard.Seed:
			return nil, nil, bad(i, "has seed %d, shard 0 seed %d", m.Shard.Seed, first.Shard.Seed)
		case m.Profile != first.Profile:
			return nil, nil, bad(i, "has profile %s, shard 0 %s", m.Profile, first.Profile)
		case m.SchemaVersion != first.SchemaVersion:
			return nil, nil, bad(i, "has schema version %d, shard 0 %d", m.SchemaVersion, first.SchemaVersion)
		case m.HW1Version != first.HW1Version:
			return nil, nil, bad(i, "was run by hw1 %s, shard 0 by %s", m.HW1Version, first.HW1Version)
		case !reflect.DeepEqual(m.Seeds, first.Seeds):
			return nil, nil, bad(i, "has other seeds than shard 0")
		}
		if k := differentSetting(m.Settings, first.Settings); k != "" {
			return nil, nil, bad(i, "has setting %s=%v, shard 0 %v", k, m.Settings[k], first.Settings[k])
		}
		t, err := records.Read(filepath.Join(ShardDir(dir, i), records.RecordsFile))
		if err != nil {
			return nil, nil, bad(i, "has no readable records: %v", err)
		}
		mans[i], tabs[i] = m, t
	}
	return mans, tabs, nil
}

// differentSetting returns the first setting, in name order, whose values differ in a
// and b, or "" when they agree.
func differentSetting(a, b map[string]any) string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !reflect.DeepEqual(a[k], b[k]) {
			return k
		}
	}
	return ""
}

// overridesOf turns the settings of a manifest back into --set values.
func overridesOf(settings map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range settings {
		out[k] = settingString(v)
	}
	return out
}

// settingString formats a setting as decoded from JSON the way --set reads it; numbers
// keep every digit.
func settingString(v any) string {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = settingString(x)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

// writeTable writes t to path atomically (a temporary file renamed over path).
func writeTable(path string, t records.Table) error {
	tmp := path + ".merge.tmp"
	w, err := records.Create(tmp)
	if err != nil {
		return err
	}
	for _, r := range t {
		if err := w.Write(r); err != nil {
			w.Close()
			os.Remove(tmp)
			return err
		}
	}
	if err := w.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("problems: %w", err)
	}
	return nil
}

// copyTree copies the files under src into dst, keeping their relative paths; a
// missing src copies nothing.
func copyTree(src, dst string) error {
	if !exists(src) {
		return nil
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		return records.CopyFile(path, to)
	})
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
