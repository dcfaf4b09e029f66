package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func sampleManifest() *Manifest {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	return &Manifest{
		Problem: "1-2", Profile: "quick", Status: StatusOK,
		Settings: map[string]any{"epochs": 12.0, "models": []any{"cnn-2", "cnn-4"}, "lr": 0.001},
		Seeds:    []int64{1, 2},
		Dataset:  Dataset{Name: "digits", Source: "embedded", Train: 8000, Test: 2000},
		TensorFlow: TensorFlow{
			Version: "2.15.1", Library: "/usr/lib/libtensorflow.so.2",
		},
		Device: "cpu", Threads: 2, HW1Version: "0.1.0",
		Start: start, End: start.Add(90 * time.Second), WallSecs: 90,
		Summary: json.RawMessage(`{"test_accuracy/cnn-2":0.99,"minimal_ratio/mean":null}`),
		Notes:   []string{"CIFAR-10 files were absent; the task was skipped."},
	}
}

func sameManifest(t *testing.T, got, want *Manifest) {
	t.Helper()
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	if !bytes.Equal(a, b) {
		t.Errorf("manifest\n%s\nwant\n%s", a, b)
	}
}

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.json")
	want := sampleManifest()
	if err := WriteManifest(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	sameManifest(t, got, want)
	if flat := got.Flat(); !math.IsNaN(flat["minimal_ratio/mean"]) || flat["test_accuracy/cnn-2"] != 0.99 {
		t.Errorf("flat summary read back as %v, want NaN and 0.99", flat)
	}
	if !got.Start.Equal(want.Start) || !got.End.Equal(want.End) {
		t.Errorf("times %v %v, want %v %v", got.Start, got.End, want.Start, want.End)
	}
	if got, want := got.SummaryKeys(), []string{"minimal_ratio/mean", "test_accuracy/cnn-2"}; !slices.Equal(got, want) {
		t.Errorf("SummaryKeys = %v, want %v", got, want)
	}

	data, _ := os.ReadFile(path)
	for _, s := range []string{`"minimal_ratio/mean": null`, `"start": "2024-05-01T12:00:00Z"`, `"hw1_version": "0.1.0"`, `"wall_seconds": 90`} {
		if !bytes.Contains(data, []byte(s)) {
			t.Errorf("manifest.json lacks %s:\n%s", s, data)
		}
	}

	// A second write replaces the first and leaves no temporary file behind.
	want.Status, want.Error = StatusFailed, "boom"
	if err := WriteManifest(path, want); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %v, want only manifest.json", entries)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode())
	}
	got, err = ReadManifest(path)
	if err != nil || got.Status != StatusFailed || got.Error != "boom" {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestManifestRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "manifest.json")
	m := sampleManifest()
	m.Status, m.End, m.WallSecs, m.Summary = StatusRunning, time.Time{}, 0, nil
	if err := WriteManifest(path, m); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if bytes.Contains(data, []byte(`"end"`)) {
		t.Errorf("running manifest has an end time:\n%s", data)
	}
	got, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	sameManifest(t, got, m)
}

func TestManifestInvalid(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Manifest)
		want   string
	}{
		{"no problem", func(m *Manifest) { m.Problem = "" }, "problem: empty"},
		{"bad status", func(m *Manifest) { m.Status = "done" }, `status: unknown status "done"`},
		{"ok with error", func(m *Manifest) { m.Error = "x" }, "error: set although status is ok"},
		{"failed without error", func(m *Manifest) { m.Status = StatusFailed }, "error: empty although status is failed"},
		{"no start", func(m *Manifest) { m.Start = time.Time{} }, "start: missing"},
		{"no end", func(m *Manifest) { m.End = time.Time{} }, "end: missing although status is ok"},
		{"end before start", func(m *Manifest) { m.End = m.Start.Add(-time.Second) }, "end: before start"},
		{"NaN wall time", func(m *Manifest) { m.WallSecs = math.NaN() }, "wall_seconds: NaN"},
		{"negative threads", func(m *Manifest) { m.Threads = -1 }, "threads: negative"},
		{"negative dataset", func(m *Manifest) { m.Dataset.Test = -1 }, "dataset: negative size"},
		{"NaN setting", func(m *Manifest) { m.Settings["lr"] = math.NaN() }, "unsupported value: NaN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "manifest.json")
			m := sampleManifest()
			c.change(m)
			err := WriteManifest(path, m)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "records: "+path) {
				t.Errorf("WriteManifest: got %v, want an error naming the file and containing %q", err, c.want)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused manifest was written")
			}
		})
	}
}

func TestReadManifestErrors(t *testing.T) {
	good, err := json.Marshal(sampleManifest())
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) string { return strings.Replace(string(good), old, new, 1) }
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "m.json: empty file"},
		{"not JSON", "hello", "m.json: invalid character"},
		{"array", "[]", "m.json: json: cannot unmarshal array"},
		{"truncated", string(good[:len(good)/2]), "m.json: unexpected EOF"},
		{"trailing data", string(good) + "{}", "m.json: data after the JSON object"},
		{"unknown field", edit(`"problem"`, `"problme":"x","problem"`), `m.json: json: unknown field "problme"`},
		{"wrong type", edit(`"threads":2`, `"threads":"two"`), "m.json: json: cannot unmarshal string"},
		{"bad time", edit(`"start":"2024-05-01T12:00:00Z"`, `"start":"yesterday"`), "m.json: parsing time"},
		{"bad summary", edit(`"summary":{`, `"summary":"text","was":{`), "m.json: json: unknown field \"was\""},
		{"summary not an object", strings.Replace(edit(`"summary":{`, `"summary":[{`), `},"notes"`, `}],"notes"`, 1), "m.json: summary: not a JSON object"},
		{"invalid", edit(`"status":"ok"`, `"status":"fine"`), `m.json: status: unknown status "fine"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseManifest(strings.NewReader(c.in), "m.json")
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "records: m.json: ") {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	if _, err := ReadManifest(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v", err)
	}
}

func FuzzParseManifest(f *testing.F) {
	good, _ := json.MarshalIndent(sampleManifest(), "", "  ")
	f.Add(good)
	running := sampleManifest()
	running.Status, running.End, running.Summary = StatusRunning, time.Time{}, nil
	b, _ := json.Marshal(running)
	f.Add(b)
	f.Add([]byte(`{"problem":"1-1","status":"failed","error":"x","start":"2024-01-01T00:00:00+02:00","end":"2024-01-01T00:00:01+02:00","summary":{"a":null,"b":1e308}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "records: fuzz.json: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("accepted manifest does not marshal: %v", err)
		}
		again, err := ParseManifest(bytes.NewReader(out), "again.json")
		if err != nil {
			t.Fatalf("written manifest %s does not read back: %v", out, err)
		}
		out2, _ := json.Marshal(again)
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the manifest:\n%s\n%s", out, out2)
		}
	})
}
