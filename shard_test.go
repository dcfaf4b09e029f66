package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"hw1/problems"
	"hw1/problems/records"
)

func TestParseShard(t *testing.T) {
	cases := []struct {
		name   string
		spec   string
		shards int
		env    map[string]string
		want   problems.Shard
		err    string // "" when no error is expected
	}{
		{"none", "", 0, nil, problems.Shard{}, ""},
		{"explicit", "2/5", 0, nil, problems.Shard{Index: 2, Count: 5}, ""},
		{"explicit first", "0/1", 0, nil, problems.Shard{Index: 0, Count: 1}, ""},
		{"explicit ignores the environment", "1/3", 0, map[string]string{envSlurmID: "2", envSlurmCount: "4"}, problems.Shard{Index: 1, Count: 3}, ""},
		{"slurm count", "auto", 0, map[string]string{envSlurmID: "3", envSlurmCount: "4"}, problems.Shard{Index: 3, Count: 4}, ""},
		{"slurm min and max", "auto", 0, map[string]string{envSlurmID: "7", envSlurmMin: "5", envSlurmMax: "8"}, problems.Shard{Index: 2, Count: 4}, ""},
		{"slurm before kubernetes", "auto", 3, map[string]string{envSlurmID: "0", envSlurmCount: "2", envJobIndex: "2"}, problems.Shard{Index: 0, Count: 2}, ""},
		{"kubernetes", "auto", 3, map[string]string{envJobIndex: "2"}, problems.Shard{Index: 2, Count: 3}, ""},
		{"i equal to n", "3/3", 0, nil, problems.Shard{}, "want 0 <= i < n"},
		{"i beyond n", "4/3", 0, nil, problems.Shard{}, "want 0 <= i < n"},
		{"n zero", "0/0", 0, nil, problems.Shard{}, "want 0 <= i < n"},
		{"negative i", "-1/3", 0, nil, problems.Shard{}, "want 0 <= i < n"},
		{"garbage", "half", 0, nil, problems.Shard{}, "want i/n"},
		{"garbage number", "1/x", 0, nil, problems.Shard{}, "want i/n"},
		{"auto without environment", "auto", 3, nil, problems.Shard{}, "neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX"},
		{"kubernetes without --shards", "auto", 0, map[string]string{envJobIndex: "1"}, problems.Shard{}, "needs --shards"},
		{"kubernetes index beyond --shards", "auto", 2, map[string]string{envJobIndex: "2"}, problems.Shard{}, "want 0 <= i < n"},
		{"slurm without count or range", "auto", 0, map[string]string{envSlurmID: "1"}, problems.Shard{}, "SLURM_ARRAY_TASK_COUNT"},
		{"slurm garbage", "auto", 0, map[string]string{envSlurmID: "x", envSlurmCount: "2"}, problems.Shard{}, "not an integer"},
		{"slurm id outside its range", "auto", 0, map[string]string{envSlurmID: "9", envSlurmMin: "5", envSlurmMax: "8"}, problems.Shard{}, "want 0 <= i < n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseShard(c.spec, c.shards, func(k string) string { return c.env[k] })
			if c.err == "" {
				if err != nil || got != c.want {
					t.Errorf("parseShard(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
				}
				return
			}
			var u usageError
			if err == nil || !strings.Contains(err.Error(), c.err) || !errors.As(err, &u) {
				t.Errorf("parseShard(%q) = %+v, %v; want a usage error mentioning %q", c.spec, got, err, c.err)
			}
		})
	}
}

// shardEnv is this process's environment without the variables that --shard auto
// reads (a test run inside a Slurm job has them), with TensorFlow's log threshold at
// warnings (so that its start-up announcement does not mix with hw1's one line),
// plus extra.
func shardEnv(extra ...string) []string {
	var env []string
	for _, kv := range cleanEnv() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "SLURM_") || k == envJobIndex || k == "HW1_SHARDS" {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "TF_CPP_MIN_LOG_LEVEL=1"), extra...)
}

// hw1Env runs the binary with env (nil: the test's own environment) and returns its
// output and exit status.
func hw1Env(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(hw1Bin, args...)
	cmd.Env = env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return buf.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), 0
}

// tiny22 are tiny settings of 2-2: five units (the sinc gradient-norm training and
// four minimal-ratio trainings).
var tiny22 = []string{"--set", "tasks=sinc", "--set", "trainings=4", "--set", "phase1_epochs=20", "--set", "phase2_newton=3", "--set", "phase2_steps=5", "--set", "fn_epochs=5"}

// TestShardsAsKubernetesIndexedJob runs 2-2 on tiny settings as three shards, each a
// process with JOB_COMPLETION_INDEX set as a Kubernetes Indexed Job sets it, merges
// them with hw1 merge, and compares the result with an unsharded run of the same
// settings: the same rows in canonical order, the same summary, and figures drawn.
func TestShardsAsKubernetesIndexedJob(t *testing.T) {
	out := t.TempDir()
	args := append([]string{"run", "2-2", "--quiet", "--threads", "1", "--tensorboard=false"}, tiny22...)
	if msg, code := hw1Env(t, shardEnv(), "units", "2-2", "--set", "tasks=sinc", "--set", "trainings=4"); code != 0 || strings.TrimSpace(msg) != "5" {
		t.Fatalf("hw1 units: exit %d, %q; want 5", code, msg)
	}
	ref := filepath.Join(out, "whole")
	if msg, code := hw1Env(t, shardEnv(), append(args, "--out", ref)...); code != 0 {
		t.Fatalf("unsharded run: exit %d\n%s", code, msg)
	}
	sharded := filepath.Join(out, "sharded")
	for i := range 3 {
		// The count comes from HW1_SHARDS, as a Job's environment would set it, or
		// from --shards.
		env, count := shardEnv("JOB_COMPLETION_INDEX="+strconv.Itoa(i), "HW1_SHARDS=3"), []string{}
		if i == 2 {
			env, count = shardEnv("JOB_COMPLETION_INDEX="+strconv.Itoa(i)), []string{"--shards", "3"}
		}
		msg, code := hw1Env(t, env, append(append(args, "--out", sharded, "--shard", "auto"), count...)...)
		if code != 0 || !strings.Contains(msg, fmt.Sprintf("shard %d/3 done", i)) {
			t.Fatalf("shard %d: exit %d\n%s", i, code, msg)
		}
	}
	// A shard resumes like a run: a finished one is not run again.
	if msg, code := hw1Env(t, shardEnv("JOB_COMPLETION_INDEX=1", "HW1_SHARDS=3"), append(args, "--out", sharded, "--shard", "auto", "--resume")...); code != 0 || !strings.Contains(msg, "already done") {
		t.Fatalf("resumed shard 1: exit %d\n%s", code, msg)
	}
	if msg, code := hw1Env(t, shardEnv(), "merge", "2-2", "--out", sharded, "--quiet"); code != 0 || !strings.Contains(msg, "merged 3 shards") {
		t.Fatalf("merge: exit %d\n%s", code, msg)
	}
	checkMergedLikeUnsharded(t, sharded, ref)
	if _, err := os.Stat(filepath.Join(sharded, "2-2", records.FiguresDir, "minimal-ratio.png")); err != nil {
		t.Errorf("merge drew no minimal-ratio figure: %v", err)
	}
	// hw1 plot and hw1 report read the merged folder.
	if msg, code := hw1Env(t, shardEnv(), "plot", "2-2", "--in", sharded); code != 0 || !strings.Contains(msg, "minimal-ratio.png") {
		t.Errorf("plot on the merged folder: exit %d\n%s", code, msg)
	}
	if msg, code := hw1Env(t, shardEnv(), "report", "--out", sharded); code != 0 {
		t.Errorf("report on the merged folder: exit %d\n%s", code, msg)
	}
	if _, err := os.Stat(filepath.Join(sharded, "report.html")); err != nil {
		t.Errorf("report on the merged folder: %v", err)
	}
	// A shard that is gone is named, and nothing is merged.
	if err := os.RemoveAll(filepath.Join(sharded, "2-2", "shards", "1")); err != nil {
		t.Fatal(err)
	}
	again := filepath.Join(out, "again")
	if err := os.CopyFS(filepath.Join(again, "2-2", "shards"), os.DirFS(filepath.Join(sharded, "2-2", "shards"))); err != nil {
		t.Fatal(err)
	}
	msg, code := hw1Env(t, shardEnv(), "merge", "2-2", "--out", again)
	if code != 1 || !strings.Contains(msg, "shard 1 is missing") || strings.Count(strings.TrimSpace(msg), "\n") > 0 {
		t.Errorf("merge without shard 1: exit %d, %q; want status 1 and one line naming shard 1", code, msg)
	}
	if _, err := os.Stat(filepath.Join(again, "2-2", records.RecordsFile)); err == nil {
		t.Error("merge wrote records although shard 1 is missing")
	}
}

func TestShardUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"i not below n", []string{"run", "2-2", "--shard", "3/3"}, nil, "want 0 <= i < n"},
		{"garbage", []string{"run", "2-2", "--shard", "x"}, nil, "want i/n"},
		{"auto without environment", []string{"run", "2-2", "--shard", "auto"}, nil, "neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX"},
		{"kubernetes without --shards", []string{"run", "2-2", "--shard", "auto"}, []string{"JOB_COMPLETION_INDEX=0"}, "needs --shards"},
		{"merge without problem", []string{"merge"}, nil, "at least one problem"},
		{"units of an unknown problem", []string{"units", "9-9"}, nil, "unknown problem"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if args[0] != "units" { // units writes nothing and takes no --out
				args = append(args, "--out", t.TempDir())
			}
			out, code := hw1Env(t, shardEnv(c.env...), args...)
			if code != 2 || !strings.Contains(out, c.want) || strings.Count(strings.TrimSpace(out), "\n") > 0 {
				t.Errorf("exit %d, output %q; want status 2 and one line mentioning %q", code, out, c.want)
			}
		})
	}
}
