package records

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSchemaVersion1 reads the committed files of schema version 1 (records.csv without
// a seed column, manifest.json without schema_version), written by hw1 before version 2,
// and checks them against what their text says.
func TestSchemaVersion1(t *testing.T) {
	for _, c := range []struct {
		problem  string
		rows     int
		firstRun string
		metrics  []string
	}{
		{Problem31, 16, "random-labels", []string{MetricLoss, MetricAccuracy}},
		{Problem22, 40, "gradnorm-mnist", []string{MetricLoss, MetricGradNorm, MetricMinimalRatio, MetricConverged}},
	} {
		t.Run(c.problem, func(t *testing.T) {
			dir := filepath.Join("testdata", "v1", c.problem)
			raw, err := os.ReadFile(filepath.Join(dir, RecordsFile))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
			if lines[0] != strings.Join(ColumnsV1[:], ",") {
				t.Fatalf("fixture header %q is not the version 1 header", lines[0])
			}
			tab, err := Read(filepath.Join(dir, RecordsFile))
			if err != nil {
				t.Fatal(err)
			}
			if len(tab) != c.rows || len(lines) != c.rows+1 {
				t.Fatalf("%d rows from %d lines, want %d", len(tab), len(lines), c.rows)
			}
			if tab[0].Run != c.firstRun {
				t.Errorf("first run %q, want %q", tab[0].Run, c.firstRun)
			}
			for i, r := range tab {
				if r.Seed != NoSeed {
					t.Errorf("row %d: seed %v, want none", i+2, r.Seed)
				}
				// The value cell is the last of the line, written in shortest form.
				cells := strings.Split(lines[i+1], ",")
				if got := formatFloat(r.Value); got != cells[len(cells)-1] {
					t.Errorf("row %d: value %s, line has %s", i+2, got, cells[len(cells)-1])
				}
			}
			for _, m := range c.metrics {
				if len(tab.Metric(m)) == 0 {
					t.Errorf("no %q rows", m)
				}
			}

			man, err := ReadManifest(filepath.Join(dir, ManifestFile))
			if err != nil {
				t.Fatal(err)
			}
			if man.SchemaVersion != 1 || man.Problem != c.problem || man.Status != StatusOK {
				t.Errorf("manifest: version %d, problem %q, status %q; want 1, %q, ok", man.SchemaVersion, man.Problem, man.Status, c.problem)
			}
		})
	}
}

// TestManifestSchemaVersion checks that WriteManifest writes the current version and
// that readers refuse versions they do not know.
func TestManifestSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), ManifestFile)
	m := sampleManifest()
	if err := WriteManifest(path, m); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"schema_version": 2,`) {
		t.Errorf("manifest lacks schema_version 2:\n%s", data)
	}
	got, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != SchemaVersion {
		t.Errorf("read back version %d, want %d", got.SchemaVersion, SchemaVersion)
	}
	for _, v := range []string{"3", "-1"} {
		bad := strings.Replace(string(data), `"schema_version": 2`, `"schema_version": `+v, 1)
		if _, err := ParseManifest(strings.NewReader(bad), "m.json"); err == nil || !strings.Contains(err.Error(), "records: m.json: schema_version: "+v) {
			t.Errorf("version %s: got %v, want a schema_version error", v, err)
		}
	}
}

// TestMetrics checks the declarations: every name once, and NaN allowed exactly for
// the quantities a run may fail to compute.
func TestMetrics(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Metrics() {
		if m.Name == "" || seen[m.Name] {
			t.Errorf("metric %q empty or declared twice", m.Name)
		}
		seen[m.Name] = true
	}
	for _, c := range []struct {
		metric       string
		declared, ok bool
	}{
		{"sharpness_1e-3", true, true},
		{"sharpness_", true, true},
		{"sharp", false, false},
		{MetricSensitivity, true, true},
		{MetricBatchSize, true, false},
		{"steps", false, false},
	} {
		m, found := LookupMetric(c.metric)
		if found != c.declared || m.MayBeNaN != c.ok {
			t.Errorf("LookupMetric(%q) = %+v, %t; want declared %t, MayBeNaN %t", c.metric, m, found, c.declared, c.ok)
		}
	}
}

// TestProblems checks the ordered list of problems.
func TestProblems(t *testing.T) {
	got := Problems()
	want := []string{"1-1", "1-2", "2-1", "2-2", "3-1", "3-2", "3-3"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Problems() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if Problems()[0] != "1-1" {
		t.Error("Problems returns the list itself, not a copy")
	}
	for i, p := range want {
		if ProblemIndex(p) != i {
			t.Errorf("ProblemIndex(%q) = %d, want %d", p, ProblemIndex(p), i)
		}
	}
	if ProblemIndex("4-1") != -1 {
		t.Error("ProblemIndex of an unknown problem is not -1")
	}
}
