package problems

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"hw1/problems/data"
	"hw1/tfgraph"
)

// A settings struct declares each setting as a field tagged `set:"key"`. A field
// without a `set` tag whose type is a struct is a group of settings, listed in its
// place: an embedded group's settings keep their keys, and a named group's keys take
// the prefix of its `prefix` tag, so that one group type can serve two families of
// settings ("surface_points" and "filter_points").

// setting is one setting of a settings struct: its key, its field and its value.
type setting struct {
	key    string
	prefix string // the prefix of the group the setting belongs to, "" at the top
	field  reflect.StructField
	value  reflect.Value
}

// settingsOf returns the settings of the struct v, groups included, in the order of
// their declaration.
func settingsOf(v reflect.Value) []setting {
	return appendSettings(nil, v, "")
}

// appendSettings appends the settings of the struct v to out, their keys behind
// prefix, walking into its groups.
func appendSettings(out []setting, v reflect.Value, prefix string) []setting {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if key := f.Tag.Get("set"); key != "" {
			out = append(out, setting{key: prefix + key, prefix: prefix, field: f, value: v.Field(i)})
		} else if f.Type.Kind() == reflect.Struct {
			out = appendSettings(out, v.Field(i), prefix+f.Tag.Get("prefix"))
		}
	}
	return out
}

// applyOverrides sets the settings of the struct s points to from overrides, matching
// each key with a setting's key. Ints, floats, strings, bools and comma-separated
// lists of ints, floats or strings are understood. An unknown key or a value that does
// not parse is a *SettingError naming both.
func applyOverrides(s any, overrides map[string]string) error {
	fields := map[string]setting{}
	var names []string
	for _, st := range settingsOf(reflect.ValueOf(s).Elem()) {
		fields[st.key] = st
		names = append(names, st.key)
	}
	sort.Strings(names)
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		st, ok := fields[k]
		if !ok {
			return &SettingError{Name: k, Value: overrides[k], Allowed: strings.Join(names, ", "), Unknown: true}
		}
		if err := setValue(st.value, overrides[k]); err != nil {
			r, _ := parseRange(st.field.Tag.Get("range"), func(string) (float64, bool) { return math.NaN(), true })
			return &SettingError{Name: k, Value: overrides[k], Allowed: allowed(st.field, r)}
		}
	}
	return nil
}

func setValue(f reflect.Value, s string) error {
	switch f.Kind() {
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return err
		}
		f.SetInt(n)
	case reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return err
		}
		f.SetUint(n)
	case reflect.Float64:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return err
		}
		f.SetFloat(x)
	case reflect.String:
		f.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case reflect.Slice:
		parts := strings.Split(s, ",")
		sl := reflect.MakeSlice(f.Type(), len(parts), len(parts))
		for i, p := range parts {
			if err := setValue(sl.Index(i), strings.TrimSpace(p)); err != nil {
				return err
			}
		}
		f.Set(sl)
	default:
		return fmt.Errorf("unsupported setting type %s", f.Type())
	}
	return nil
}

// settingsMap returns the settings of the struct s points to by key, for the
// manifest.
func settingsMap(s any) map[string]any {
	v := reflect.ValueOf(s)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	out := map[string]any{}
	for _, st := range settingsOf(v) {
		out[st.key] = st.value.Interface()
	}
	return out
}

// settingNames returns the keys a problem's settings struct accepts, sorted.
func settingNames(s any) []string {
	var out []string
	for k := range settingsMap(s) {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// loadSettings returns a problem's settings for env's profile, from its defaults
// function, with env's overrides applied, and records them in the manifest.
func loadSettings[T any](env *Env, rec *Recorder, defaults func(Profile) any) (*T, error) {
	s, err := settingsFor[T](env, defaults)
	if err != nil {
		return nil, err
	}
	rec.Settings(s)
	return s, nil
}

// settingsFor returns a problem's settings for env's profile, from its defaults
// function, with env's overrides applied and checked.
func settingsFor[T any](env *Env, defaults func(Profile) any) (*T, error) {
	s, ok := defaults(env.profile()).(*T)
	if !ok {
		return nil, fmt.Errorf("problems: defaults return %T, not %T", defaults(env.profile()), s)
	}
	if err := applyOverrides(s, env.Overrides); err != nil {
		return nil, err
	}
	if err := checkRanges(s); err != nil {
		return nil, err
	}
	return s, nil
}

// The groups of settings that several problems share follow. A problem embeds a group
// where its settings mean what the group's comments say; its own comment on the
// embedded field adds what is particular to it.

// optimizerSettings are the update rule of a training and its learning rate.
type optimizerSettings struct {
	// Optimizer is the update rule (tfgraph.ParseOptimizer) and LearningRate its step
	// size.
	Optimizer    string  `set:"optimizer" range:"{sgd,momentum,adam}"`
	LearningRate float64 `set:"lr" range:"(0,inf)"`
}

// optimizer returns the update rule the settings name, at their learning rate.
func (o optimizerSettings) optimizer() (tfgraph.Optimizer, error) {
	kind, err := tfgraph.ParseOptimizer(o.Optimizer)
	return tfgraph.Optimizer{Kind: kind, LearningRate: o.LearningRate}, err
}

// budgetSettings are the budget of a training: Epochs passes over the training set in
// batches of Batch examples.
type budgetSettings struct {
	Epochs int `set:"epochs" range:"[1,inf)"`
	Batch  int `set:"batch" range:"[1,inf)"`
}

// trainingSettings are the optimizer and the budget of a training.
type trainingSettings struct {
	optimizerSettings
	budgetSettings
}

// examplesSettings are how much of the dataset a problem trains on: Train is the
// number of training examples used (the first ones; 0 means all).
type examplesSettings struct {
	Train int `set:"train" range:"[0,60000]"`
}

// examples returns the number of training examples the settings ask for; 0 means all.
func (e examplesSettings) examples() int { return e.Train }

// dataSettings are how much of the dataset a problem trains on and how often: the
// training examples used, and Seeds the number of trainings of every model, each from
// its own seed.
type dataSettings struct {
	examplesSettings
	Seeds int `set:"seeds" range:"[1,inf)"`
}

// intervalSettings are the interval [Lo, Hi] on which a problem samples its 1-D
// functions (data.Function).
type intervalSettings struct {
	Lo float64 `set:"lo" range:"(-inf,inf)"`
	Hi float64 `set:"hi" range:"(lo,inf)"`
}

// sample returns n evenly spaced points of function fn on the interval and its values
// there.
func (iv intervalSettings) sample(fn string, n int) (x, y []float32, err error) {
	return data.Function(fn, n, iv.Lo, iv.Hi)
}

// trainingData returns n evenly spaced points of function fn on the interval as a
// model's training data.
func (iv intervalSettings) trainingData(fn string, n int) (*tfgraph.Data, error) {
	x, y, err := iv.sample(fn, n)
	if err != nil {
		return nil, err
	}
	return &tfgraph.Data{X: x, Shape: []int{1}, Targets: y}, nil
}

// filterGrid is a grid of offsets along filter-normalised random directions through a
// trained model (Li et al. 2018): Points values (odd; 0 skips the grid) evenly spaced
// on [-Range, Range] per direction. Problems name it with a key prefix.
type filterGrid struct {
	Points int     `set:"points" range:"[0,inf)"`
	Range  float64 `set:"range" range:"(0,inf)"`
}
