package problems

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hw1/problems/records"
)

// TestResumeRefusesDamagedState damages a finished tiny 1-1 folder in one way per case
// and resumes: the error must name the damaged file, and no file may change or go.
func TestResumeRefusesDamagedState(t *testing.T) {
	cases := []struct {
		name, file string
		damage     func([]byte) []byte
		want       string
	}{
		{"truncated manifest", "manifest.json", func(b []byte) []byte { return b[:len(b)/2] }, "manifest.json"},
		{"manifest of another schema", "manifest.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"problem":`), []byte(`"schema_version": 99, "problem":`), 1)
		}, "manifest.json"},
		{"damaged middle line of the records", "records.csv", func(b []byte) []byte {
			lines := bytes.SplitAfter(b, []byte("\n"))
			mid := len(lines) / 2
			lines[mid] = lines[mid][:len(lines[mid])/2] // cut, but its successor stays
			lines[mid] = append(lines[mid], '\n')
			return bytes.Join(lines, nil)
		}, "records.csv:"},
	}
	p, _ := Lookup("1-1")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := testEnv(t, maps.Clone(tinySettings["1-1"]))
			if _, err := Execute(context.Background(), p, env, "test"); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(env.Dir, c.file)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, c.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}
			before := folderFiles(t, env.Dir)
			env.Resume = true
			_, err = Execute(context.Background(), p, env, "test")
			if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
				t.Errorf("resume: error %v; want one line naming %s", err, path)
			}
			after := folderFiles(t, env.Dir)
			if !maps.Equal(before, after) {
				t.Errorf("resume changed the folder: %d files before, %d after", len(before), len(after))
			}
		})
	}
}

// folderFiles returns the contents of every file below dir, by path.
func folderFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestResumeRefusesCheckpointOfAnotherShape resumes a 1-1 folder with a parameter
// budget that gives its models other widths: restoring the saved checkpoints must fail
// with an error naming the checkpoint, and every checkpoint file must stay as it was.
func TestResumeRefusesCheckpointOfAnotherShape(t *testing.T) {
	p, _ := Lookup("1-1")
	env := testEnv(t, maps.Clone(tinySettings["1-1"]))
	if _, err := Execute(context.Background(), p, env, "test"); err != nil {
		t.Fatal(err)
	}
	manPath := filepath.Join(env.Dir, "manifest.json")
	man, err := records.ReadManifest(manPath)
	if err != nil {
		t.Fatal(err)
	}
	man.Status, man.End, man.WallSecs = records.StatusRunning, time.Time{}, 0 // as if killed
	if err := records.WriteManifest(manPath, man); err != nil {
		t.Fatal(err)
	}
	ckpts := filepath.Join(env.Dir, "checkpoints")
	before := folderFiles(t, ckpts)
	if len(before) == 0 {
		t.Fatal("the run left no checkpoint")
	}
	env.Resume = true
	env.Overrides["params"] = "2000"
	_, err = Execute(context.Background(), p, env, "test")
	if err == nil || !strings.Contains(err.Error(), "checkpoint "+ckpts) || strings.Contains(err.Error(), "\n") {
		t.Errorf("resume with other widths: error %v; want one line naming a checkpoint in %s", err, ckpts)
	}
	if after := folderFiles(t, ckpts); !maps.Equal(before, after) {
		t.Errorf("resume changed the checkpoints: %d files before, %d after", len(before), len(after))
	}
}
