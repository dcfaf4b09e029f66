package problems

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// applyOverrides sets the fields of the struct s points to from overrides, matching
// each key with a field's `set` tag. Ints, floats, strings, bools and comma-separated
// lists of ints, floats or strings are understood. An unknown key or a value that does
// not parse is a *SettingError naming both.
func applyOverrides(s any, overrides map[string]string) error {
	v := reflect.ValueOf(s).Elem()
	fields := map[string]int{}
	var names []string
	for i := 0; i < v.NumField(); i++ {
		if tag := v.Type().Field(i).Tag.Get("set"); tag != "" {
			fields[tag] = i
			names = append(names, tag)
		}
	}
	sort.Strings(names)
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		i, ok := fields[k]
		if !ok {
			return &SettingError{Name: k, Value: overrides[k], Allowed: strings.Join(names, ", "), Unknown: true}
		}
		if err := setValue(v.Field(i), overrides[k]); err != nil {
			f := v.Type().Field(i)
			r, _ := parseRange(f.Tag.Get("range"), func(string) (float64, bool) { return math.NaN(), true })
			return &SettingError{Name: k, Value: overrides[k], Allowed: allowed(f, r)}
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

// settingsMap returns the `set`-tagged fields of the struct s points to, for the
// manifest.
func settingsMap(s any) map[string]any {
	v := reflect.ValueOf(s)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	out := map[string]any{}
	for i := 0; i < v.NumField(); i++ {
		if tag := v.Type().Field(i).Tag.Get("set"); tag != "" {
			out[tag] = v.Field(i).Interface()
		}
	}
	return out
}

// SettingNames returns the names a problem's settings struct accepts.
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
