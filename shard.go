package main

import (
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"hw1/problems"
)

// The environment variables that --shard auto reads: a Slurm job array's, and a
// Kubernetes Indexed Job's.
const (
	envSlurmID    = "SLURM_ARRAY_TASK_ID"
	envSlurmCount = "SLURM_ARRAY_TASK_COUNT"
	envSlurmMin   = "SLURM_ARRAY_TASK_MIN"
	envSlurmMax   = "SLURM_ARRAY_TASK_MAX"
	envJobIndex   = "JOB_COMPLETION_INDEX"
)

// The flags of sharded runs.
var (
	shardFlag = &cli.StringFlag{
		Name:     "shard",
		Usage:    "run only shard `i/n` of the problem's units (unit u is in shard u mod n) into DIR/<problem>/shards/<i>/; auto: from Slurm's SLURM_ARRAY_TASK_* or Kubernetes' JOB_COMPLETION_INDEX with --shards",
		Category: "Sharding",
	}
	shardsFlag = &cli.IntFlag{
		Name: "shards", EnvVars: []string{"HW1_SHARDS"},
		Usage: "the number of shards: with --shard auto and JOB_COMPLETION_INDEX; for merge, checked against the shards (0: from their manifests)", Category: "Sharding",
	}
)

// parseShard reads the value of --shard: "" (the whole run), "i/n", or "auto", which
// takes i and n from getenv: SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT (or,
// without it, i = ID - SLURM_ARRAY_TASK_MIN and n = MAX - MIN + 1), else
// JOB_COMPLETION_INDEX with shards (--shards). Every mistake is a usage error.
func parseShard(spec string, shards int, getenv func(string) string) (problems.Shard, error) {
	var s problems.Shard
	switch spec = strings.TrimSpace(spec); {
	case spec == "":
		return s, nil
	case spec == "auto":
		var err error
		if s, err = autoShard(shards, getenv); err != nil {
			return s, err
		}
	default:
		is, ns, ok := strings.Cut(spec, "/")
		i, ierr := strconv.Atoi(is)
		n, nerr := strconv.Atoi(ns)
		if !ok || ierr != nil || nerr != nil {
			return s, usagef("--shard %q: want i/n (0 <= i < n) or auto", spec)
		}
		s = problems.Shard{Index: i, Count: n}
	}
	if s.Count < 1 || s.Index < 0 || s.Index >= s.Count {
		return s, usagef("--shard %d/%d: want 0 <= i < n and n >= 1 (i is 0-based)", s.Index, s.Count)
	}
	return s, nil
}

// autoShard finds the shard in a Slurm job array's or a Kubernetes Indexed Job's
// environment.
func autoShard(shards int, getenv func(string) string) (problems.Shard, error) {
	num := func(name string) (int, bool, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, true, usagef("--shard auto: %s=%q is not an integer", name, v)
		}
		return n, true, nil
	}
	id, slurm, err := num(envSlurmID)
	if err != nil {
		return problems.Shard{}, err
	}
	if slurm {
		count, ok, err := num(envSlurmCount)
		if err != nil {
			return problems.Shard{}, err
		}
		if ok {
			return problems.Shard{Index: id, Count: count}, nil
		}
		lo, lok, err := num(envSlurmMin)
		if err != nil {
			return problems.Shard{}, err
		}
		hi, hok, err := num(envSlurmMax)
		if err != nil {
			return problems.Shard{}, err
		}
		if !lok || !hok {
			return problems.Shard{}, usagef("--shard auto: %s is set but neither %s nor %s and %s", envSlurmID, envSlurmCount, envSlurmMin, envSlurmMax)
		}
		return problems.Shard{Index: id - lo, Count: hi - lo + 1}, nil
	}
	idx, ok, err := num(envJobIndex)
	if err != nil {
		return problems.Shard{}, err
	}
	if ok {
		if shards < 1 {
			return problems.Shard{}, usagef("--shard auto: %s=%d needs --shards n (or HW1_SHARDS)", envJobIndex, idx)
		}
		return problems.Shard{Index: idx, Count: shards}, nil
	}
	return problems.Shard{}, usagef("--shard auto: neither %s nor %s is set", envSlurmID, envJobIndex)
}
