package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// indexedJobYAML is the Kubernetes recipe of the README's "Beyond one machine".
const indexedJobYAML = "scripts/kubernetes/indexed-job.yaml"

// k8sObject holds the fields of a Kubernetes object that the recipe's tests read.
type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Spec struct {
		AccessModes    []string `yaml:"accessModes"`
		CompletionMode string   `yaml:"completionMode"`
		Completions    int      `yaml:"completions"`
		Parallelism    int      `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string `yaml:"restartPolicy"`
				Containers    []struct {
					Image        string   `yaml:"image"`
					Command      []string `yaml:"command"`
					Args         []string `yaml:"args"`
					VolumeMounts []struct {
						Name      string `yaml:"name"`
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
				Volumes []struct {
					Name                  string `yaml:"name"`
					PersistentVolumeClaim struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// k8sRecipe is the recipe read from indexedJobYAML: the volume claim, the Indexed Job
// of the shards and the merge Job.
type k8sRecipe struct {
	claim, shards, merge *k8sObject
}

// readK8sRecipe parses indexedJobYAML, every document of it, and sorts its objects by
// role; an object of another kind, or a role filled twice, is an error.
func readK8sRecipe() (*k8sRecipe, error) {
	b, err := os.ReadFile(indexedJobYAML)
	if err != nil {
		return nil, err
	}
	r := &k8sRecipe{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		o := &k8sObject{}
		if err := dec.Decode(o); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", indexedJobYAML, err)
		}
		var slot **k8sObject
		switch {
		case o.Kind == "PersistentVolumeClaim":
			slot = &r.claim
		case o.Kind == "Job" && o.Spec.CompletionMode == "Indexed":
			slot = &r.shards
		case o.Kind == "Job":
			slot = &r.merge
		default:
			return nil, fmt.Errorf("%s: unexpected %s %q", indexedJobYAML, o.Kind, o.Metadata.Name)
		}
		if *slot != nil {
			return nil, fmt.Errorf("%s: a second %s, %q", indexedJobYAML, o.Kind, o.Metadata.Name)
		}
		*slot = o
	}
	if r.claim == nil || r.shards == nil || r.merge == nil {
		return nil, fmt.Errorf("%s: want a PersistentVolumeClaim, an Indexed Job and a merge Job", indexedJobYAML)
	}
	return r, nil
}

// flagValue returns the value that follows flag in args, or "".
func flagValue(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// TestKubernetesRecipe checks what makes the Kubernetes recipe work: an Indexed Job
// whose completions equal its --shards, hw1 run --shard auto and hw1 merge on the same
// problem and folder, and both Jobs mounting the one ReadWriteMany volume there.
func TestKubernetesRecipe(t *testing.T) {
	r, err := readK8sRecipe()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(r.claim.Spec.AccessModes, "ReadWriteMany") {
		t.Errorf("volume claim %q: access modes %v, want ReadWriteMany (pods on several nodes write to it)",
			r.claim.Metadata.Name, r.claim.Spec.AccessModes)
	}
	jobs := []struct {
		name, stage, command string
		job                  *k8sObject
	}{
		{"shards", "run", "run", r.shards},
		{"merge", "merge", "merge", r.merge},
	}
	var problems, images []string
	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			spec := j.job.Spec.Template.Spec
			if len(spec.Containers) != 1 {
				t.Fatalf("%d containers, want 1", len(spec.Containers))
			}
			c := spec.Containers[0]
			if !slices.Equal(c.Command, []string{"hw1"}) || len(c.Args) < 2 || c.Args[0] != j.command {
				t.Fatalf("command %v, args %v: want hw1 %s PROBLEM ...", c.Command, c.Args, j.command)
			}
			problems, images = append(problems, c.Args[1]), append(images, c.Image)
			if got := j.job.Metadata.Labels["hw1/stage"]; got != j.stage {
				t.Errorf("label hw1/stage=%q, want %q (the README applies each stage by it)", got, j.stage)
			}
			if spec.RestartPolicy != "Never" && spec.RestartPolicy != "OnFailure" {
				t.Errorf("restartPolicy %q: a Job wants Never or OnFailure", spec.RestartPolicy)
			}
			if n := flagValue(c.Args, "--shards"); n != strconv.Itoa(r.shards.Spec.Completions) {
				t.Errorf("--shards %q, want the Indexed Job's completions, %d", n, r.shards.Spec.Completions)
			}
			out := flagValue(c.Args, "--out")
			var mounted bool
			for _, v := range spec.Volumes {
				for _, m := range c.VolumeMounts {
					if m.Name == v.Name && m.MountPath == out && v.PersistentVolumeClaim.ClaimName == r.claim.Metadata.Name {
						mounted = true
					}
				}
			}
			if out == "" || !mounted {
				t.Errorf("--out %q is not where the volume claim %q is mounted", out, r.claim.Metadata.Name)
			}
		})
	}
	if r.shards.Spec.Completions < 1 || r.shards.Spec.Parallelism < 1 {
		t.Errorf("completions %d, parallelism %d: want both at least 1", r.shards.Spec.Completions, r.shards.Spec.Parallelism)
	}
	if args := r.shards.Spec.Template.Spec.Containers[0].Args; flagValue(args, "--shard") != "auto" {
		t.Errorf("shard job args %v: want --shard auto (the index from JOB_COMPLETION_INDEX)", args)
	}
	if len(problems) == 2 && problems[0] != problems[1] {
		t.Errorf("the shards run %s, the merge merges %s", problems[0], problems[1])
	}
	if len(images) == 2 && images[0] != images[1] {
		t.Errorf("the shards run image %s, the merge %s", images[0], images[1])
	}
}

// withFlag returns args with the value of flag set to value: replaced where args has
// the flag, else appended.
func withFlag(args []string, flag, value string) []string {
	out := slices.Clone(args)
	if i := slices.Index(out, flag); i >= 0 && i+1 < len(out) {
		out[i+1] = value
		return out
	}
	return append(out, flag, value)
}

// withoutFlag returns args without every occurrence of flag and its value.
func withoutFlag(args []string, flag string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == flag {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// TestKubernetesIndexedSweep runs the small 2-2 sweep as the recipe's Indexed Job
// would, with 3 shards: the shard Job's command, once per index with
// JOB_COMPLETION_INDEX set as Kubernetes sets it, all at once, then the merge Job's
// command; the merged records must be those of an unsharded run.
func TestKubernetesIndexedSweep(t *testing.T) {
	longTest(t)
	r, err := readK8sRecipe()
	if err != nil {
		t.Fatal(err)
	}
	const shards = 3
	out := t.TempDir()
	// The recipe's commands, on the small sweep's settings instead of its own.
	run := r.shards.Spec.Template.Spec.Containers[0].Args
	run = withoutFlag(withoutFlag(run, "--profile"), "--set")
	run = withFlag(withFlag(withFlag(run, "--shards", strconv.Itoa(shards)), "--out", out), "--threads", "1")
	run = append(append(run, sweep22Sets...), "--quiet")
	merge := withFlag(withFlag(r.merge.Spec.Template.Spec.Containers[0].Args, "--shards", strconv.Itoa(shards)), "--out", out)

	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLURM_") && !strings.HasPrefix(kv, "JOB_COMPLETION_INDEX=") {
			env = append(env, kv)
		}
	}
	var wg sync.WaitGroup
	msgs := make([]string, shards)
	errs := make([]error, shards)
	for i := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(hw1Bin, run...)
			cmd.Env = append(slices.Clone(env), "JOB_COMPLETION_INDEX="+strconv.Itoa(i))
			b, err := cmd.CombinedOutput()
			msgs[i], errs[i] = string(b), err
		}()
	}
	ref, refErr := runUnsharded22()
	wg.Wait()
	for i := range shards {
		if errs[i] != nil {
			t.Errorf("index %d: hw1 %s: %v\n%s", i, strings.Join(run, " "), errs[i], msgs[i])
		}
	}
	if refErr != nil {
		t.Fatal(refErr)
	}
	if t.Failed() {
		t.FailNow()
	}
	checkShardFolders(t, out, shards)
	if msg, code := hw1(t, merge...); code != 0 {
		t.Fatalf("hw1 %s: exit %d\n%s", strings.Join(merge, " "), code, msg)
	}
	checkMergedLikeUnsharded(t, out, ref)
	if _, err := os.Stat(filepath.Join(out, "2-2", "figures")); err != nil {
		t.Errorf("hw1 merge drew no figures: %v", err)
	}
}
