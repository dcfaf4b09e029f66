// Package problems is the catalogue of hw1's experiments. Each problem of the homework
// is one file here, a Problem listed in catalogue (catalogue.go) under one of the names
// of records.Problems, the ordered list of problems; All returns them in that order. The command line,
// "hw1 all", the report and the tests all walk that list.
package problems

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"hw1/problems/data"
	"hw1/tfgraph"
)

// Profile selects the budgets of a run.
type Profile string

// The profiles. Quick runs every problem in minutes on the embedded digits; Full uses
// the budgets of the report on full MNIST when its files are present.
const (
	Quick Profile = "quick"
	Full  Profile = "full"
)

// ParseProfile returns the profile named s.
func ParseProfile(s string) (Profile, error) {
	switch p := Profile(strings.ToLower(s)); p {
	case Quick, Full:
		return p, nil
	}
	return "", fmt.Errorf("problems: unknown profile %q (want quick or full)", s)
}

// Env is what a problem's run gets from the command line.
type Env struct {
	// Dir is the problem's output folder (records.csv, manifest.json, figures/,
	// checkpoints/).
	Dir string
	// Profile selects the budgets; empty means Quick.
	Profile Profile
	// Seed is the base seed; problems derive their seeds from it.
	Seed uint64
	// Session is the device and threads every model runs with.
	Session tfgraph.SessionConfig
	// Dataset and DataDir choose the data (see data.Load); empty means the default:
	// full MNIST when present, else the embedded digits.
	Dataset, DataDir string
	// Resume continues from the checkpoints in Dir instead of starting over.
	Resume bool
	// NoTensorBoard turns off the TensorBoard event files that a run writes by
	// default under Dir/tensorboard/.
	NoTensorBoard bool
	// Log receives progress lines; nil discards them.
	Log *slog.Logger
	// Progress makes progress bars; nil means Log lines only.
	Progress ProgressFunc
	// Overrides maps a problem's setting name to a value given on the command line
	// ("epochs=50"); each problem documents the settings it reads.
	Overrides map[string]string
	// Shard selects the units to run; the zero value runs them all and then the
	// problem's Finish. A shard runs only its units, into Dir (by convention
	// ShardDir of the problem's folder), and leaves Finish to Merge.
	Shard Shard
}

// Problem is one experiment of the homework.
type Problem struct {
	// Name is the homework's numbering: "1-1", "2-2" ...
	Name string
	// Title is a short title, Question the question the experiment answers.
	Title, Question string
	// Defaults returns a pointer to the problem's settings struct for a profile;
	// fields tagged `set:"name"` can be overridden with --set name=value.
	Defaults func(Profile) any
	// Units lists the problem's independent units for env's profile, base seed and
	// settings, in index order (see Unit).
	Units func(env *Env) ([]Unit, error)
	// Run performs the units of env.Shard (all of them when the run is not sharded),
	// writing records and per-unit files (checkpoints, params/, snapshots) through
	// rec into env.Dir. It returns early with ctx.Err() when ctx is cancelled,
	// keeping what it wrote.
	Run func(ctx context.Context, env *Env, rec *Recorder) error
	// Finish runs once every unit is there, at the end of an unsharded run or in
	// Merge: from the records and per-unit files in env.Dir alone it writes the
	// cross-unit rows (2-1's PCA) and the typed summary. nil means nothing to do.
	Finish func(ctx context.Context, env *Env, rec *Recorder) error
	// Answer writes the report's answer from the measured records and summary.
	Answer func(rec RunResult) string
}

// All returns every problem in the homework's order, the order of records.Problems.
func All() []Problem { return catalogue() }

// Names returns the names of all problems in order.
func Names() []string {
	var out []string
	for _, p := range All() {
		out = append(out, p.Name)
	}
	return out
}

// Lookup returns the problem called name.
func Lookup(name string) (Problem, bool) {
	for _, p := range catalogue() {
		if p.Name == name {
			return p, true
		}
	}
	return Problem{}, false
}

// profile returns Quick when env.Profile is empty.
func (env *Env) profile() Profile {
	if env.Profile == "" {
		return Quick
	}
	return env.Profile
}

// log returns env.Log or a logger that discards.
func (env *Env) log() *slog.Logger {
	if env.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return env.Log
}

// loadData loads the dataset the command line chose, or the default (full MNIST when
// present, else the embedded digits) when name is empty.
func (env *Env) loadData(name string) (*data.Dataset, error) {
	if env.Dataset != "" {
		name = env.Dataset
	}
	d, err := data.Load(name, env.DataDir)
	if err != nil {
		return nil, fmt.Errorf("problems: %w", err)
	}
	return d, nil
}

// loadTrain loads the default (or chosen) dataset and the first n of its training
// examples (all of them when n <= 0).
func (env *Env) loadTrain(n int) (*data.Dataset, *data.Set, error) {
	ds, err := env.loadData("")
	if err != nil {
		return nil, nil, err
	}
	return ds, firstN(ds.Train, n), nil
}

// trainingGroups are what the settings of a problem that trains on the dataset give
// through the groups they embed: the update rule (optimizerSettings) and the number of
// training examples (examplesSettings).
type trainingGroups interface {
	optimizer() (tfgraph.Optimizer, error)
	examples() int
}

// modelSettings are the settings of a problem that trains one model on the dataset
// (2-1, 3-1, 3-3): besides the training groups, model checks the settings and returns
// the model to train on the examples of train.
type modelSettings interface {
	trainingGroups
	model(train *data.Set) (tfgraph.Spec, error)
}

// startTraining does what the problems that train on the dataset do before their
// first model: it returns the optimizer that g names, loads the first g.examples()
// training examples of the chosen dataset (all when 0) and records the data's sizes.
func (env *Env) startTraining(rec *Recorder, g trainingGroups) (tfgraph.Optimizer, *data.Dataset, *data.Set, error) {
	opt, err := g.optimizer()
	if err != nil {
		return opt, nil, nil, err
	}
	ds, train, err := env.loadTrain(g.examples())
	if err != nil {
		return opt, nil, nil, err
	}
	rec.Dataset(ds, train.N, ds.Test.N)
	return opt, ds, train, nil
}

// runStart begins the run of a problem that trains one model on the dataset: it loads
// the settings of type T (recorded in the manifest, see loadSettings), does what
// startTraining does with them, and builds and checks the model they give for the
// training examples. Called as runStart[settings31](env, rec, defaults31).
func runStart[T any, PT interface {
	*T
	modelSettings
}](env *Env, rec *Recorder, defaults func(Profile) any) (s *T, opt tfgraph.Optimizer, ds *data.Dataset, train *data.Set, spec tfgraph.Spec, err error) {
	if s, err = loadSettings[T](env, rec, defaults); err != nil {
		return
	}
	if opt, ds, train, err = env.startTraining(rec, PT(s)); err != nil {
		return
	}
	if spec, err = PT(s).model(train); err != nil {
		return
	}
	_, _, err = spec.Check()
	return
}

// finishStart begins the finish step of a problem that trains on the dataset: it
// loads the settings of type T (recorded in the manifest, see loadSettings) and the
// data the run trained on (see finishData), with the number of training examples the
// settings give. Called as finishStart[settings31](env, rec, defaults31).
func finishStart[T any, PT interface {
	*T
	examples() int
}](env *Env, rec *Recorder, defaults func(Profile) any) (*T, *data.Dataset, *data.Set, error) {
	s, err := loadSettings[T](env, rec, defaults)
	if err != nil {
		return nil, nil, nil, err
	}
	ds, train, err := env.finishData(rec, PT(s).examples())
	if err != nil {
		return nil, nil, nil, err
	}
	return s, ds, train, nil
}

// finishModel is finishStart for a problem that trains one model on the dataset: it
// also builds and checks the model the settings give for the training examples, as
// runStart does. Called as finishModel[settings31](env, rec, defaults31).
func finishModel[T any, PT interface {
	*T
	modelSettings
}](env *Env, rec *Recorder, defaults func(Profile) any) (s *T, ds *data.Dataset, train *data.Set, spec tfgraph.Spec, err error) {
	if s, ds, train, err = finishStart[T, PT](env, rec, defaults); err != nil {
		return
	}
	if spec, err = PT(s).model(train); err != nil {
		return
	}
	_, _, err = spec.Check()
	return
}

// finishData loads the data a finish step needs: the dataset chosen on the command
// line, or else the one the run recorded in its manifest (so that "hw1 merge" finds
// the shards' dataset), and the first n of its training examples (all when n <= 0).
func (env *Env) finishData(rec *Recorder, n int) (*data.Dataset, *data.Set, error) {
	name := env.Dataset
	if name == "" {
		name = rec.man.Dataset.Name
	}
	d, err := data.Load(name, env.DataDir)
	if err != nil {
		return nil, nil, fmt.Errorf("problems: %w", err)
	}
	return d, firstN(d.Train, n), nil
}

// firstN returns the first n examples of s, or s itself when n <= 0.
func firstN(s *data.Set, n int) *data.Set {
	if n <= 0 {
		return s
	}
	return s.Subset(n)
}

// SettingNames returns the names of the settings a problem accepts with --set.
func SettingNames(name string) []string {
	p, ok := Lookup(name)
	if !ok || p.Defaults == nil {
		return nil
	}
	return settingNames(p.Defaults(Quick))
}

// session returns the session configuration every model of a run uses.
func (env *Env) session() tfgraph.SessionConfig { return env.Session }
