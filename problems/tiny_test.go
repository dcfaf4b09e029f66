package problems

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"reflect"
	"testing"

	"hw1/problems/records"
)

// tinySettings make every problem run in seconds: the settings of the -short tier.
// The quick-profile tests, which check the science, are skipped with -short.
var tinySettings = map[string]map[string]string{
	"1-1": {"functions": "sinc", "depths": "1,2", "epochs": "5", "grid": "50", "points": "64", "batch": "32", "seeds": "2"},
	"1-2": {"epochs": "1", "train": "300", "seeds": "2"},
	"2-1": {"epochs": "3", "every": "1", "runs": "2", "train": "300", "surface_points": "7"},
	"2-2": {"trainings": "2", "phase1_epochs": "20", "phase2_newton": "3", "phase2_steps": "5", "mnist_epochs": "1", "mnist_train": "300", "fn_epochs": "5"},
	"3-1": {"epochs": "2", "train": "300", "seeds": "2"},
	"3-2": {"epochs": "1", "train": "300", "widths": "2,8,32", "seeds": "2"},
	"3-3": {"train": "256", "hidden": "16", "seeds": "2", "batches": "32,256", "pair_batches": "32,256", "step_budget": "16",
		"alphas": "11", "sharpness_iters": "1", "sensitivity_examples": "50", "subspace": "10", "filter_points": "5"},
}

// tinyChecks check the typed summaries of the tiny runs against the tiny settings.
var tinyChecks = map[string]func(t *testing.T, res *RunResult, tab records.Table){
	"1-1": func(t *testing.T, res *RunResult, tab records.Table) {
		s := mustSummary[summary11](t, res)
		check11(t, s, tab, []string{"sinc"}, 2, 2)
	},
	"1-2": func(t *testing.T, res *RunResult, tab records.Table) {
		s := mustSummary[summary12](t, res)
		check12(t, s, tab, 2, 1)
	},
	"3-1": func(t *testing.T, res *RunResult, tab records.Table) {
		s := mustSummary[summary31](t, res)
		check31(t, s, tab, 2, true)
	},
	"3-2": func(t *testing.T, res *RunResult, tab records.Table) {
		s := mustSummary[summary32](t, res)
		check32(t, s, tab, 2, 3)
	},
}

// quickProfileOnly skips a test that runs a problem's quick profile when -short asks
// for the fast tier; TestProblemsTiny covers every problem there.
func quickProfileOnly(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the quick profile; with -short TestProblemsTiny runs every problem on tiny settings")
	}
}

// runQuick runs problem name's quick profile from seed 1 and returns its result and
// records; it skips t under -short, as quickProfileOnly does.
func runQuick(t *testing.T, name string) (*RunResult, records.Table) {
	t.Helper()
	quickProfileOnly(t)
	return mustExecute(t, name, testEnv(t, nil))
}

// TestProblemsTiny runs every problem on tiny settings, in both tiers, and checks what
// does not depend on the budget: the run finishes ok, its manifest and records read
// back, every row is valid, every summary value is a number or NaN (never infinite),
// and the settings recorded in the manifest are the ones given.
func TestProblemsTiny(t *testing.T) {
	for _, p := range All() {
		t.Run(p.Name, func(t *testing.T) {
			over, ok := tinySettings[p.Name]
			if !ok {
				t.Fatalf("no tiny settings for %s", p.Name)
			}
			env := testEnv(t, maps.Clone(over))
			res, tab := mustExecute(t, p.Name, env)
			if len(tab) == 0 {
				t.Fatal("no records")
			}
			for i, r := range tab {
				if err := r.Validate(); err != nil {
					t.Fatalf("row %d: %v", i+1, err)
				}
			}
			man, err := records.ReadManifest(filepath.Join(env.Dir, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			var sum map[string]json.RawMessage
			if err := json.Unmarshal(man.Summary, &sum); err != nil || man.Status != records.StatusOK || len(sum) == 0 {
				t.Errorf("manifest status %q with summary %.80s (%v), want ok and a summary object", man.Status, man.Summary, err)
			}
			for k, v := range over {
				got, ok := res.Manifest.Settings[k]
				if !ok {
					t.Errorf("setting %s=%s missing from the manifest", k, v)
					continue
				}
				if s := formatSetting(reflect.ValueOf(got)); s != v {
					t.Errorf("setting %s recorded as %s, given %s", k, s, v)
				}
			}
			if p.Answer == nil || p.Answer(*res) == "" {
				t.Error("no answer")
			}
			if check := tinyChecks[p.Name]; check != nil {
				check(t, res, tab)
			}
		})
	}
}

// tinyConfig returns the quick profile's settings from defaults with the tiny settings
// of problem name applied.
func tinyConfig[T any](t *testing.T, name string, defaults func(Profile) any) *T {
	t.Helper()
	s := defaults(Quick).(*T)
	if err := applyOverrides(s, tinySettings[name]); err != nil {
		t.Fatal(err)
	}
	return s
}

// runQuickSummary runs problem name's quick profile as runQuick does and returns its
// result and records with its typed summary, decoded as an S, and the quick
// profile's settings, which must be a *T.
func runQuickSummary[S, T any](t *testing.T, name string) (*RunResult, records.Table, *S, *T) {
	t.Helper()
	res, tab := runQuick(t, name)
	p, _ := Lookup(name)
	set, ok := p.Defaults(Quick).(*T)
	if !ok {
		t.Fatalf("%s: quick settings are %T, not %T", name, p.Defaults(Quick), set)
	}
	return res, tab, mustSummary[S](t, res), set
}

// mustSummary returns the typed summary of res as a T, failing the test when it does
// not decode.
func mustSummary[T any](t *testing.T, res *RunResult) *T {
	t.Helper()
	var s T
	if err := res.DecodeSummary(&s); err != nil {
		t.Fatal(err)
	}
	return &s
}
