package problems

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// outside returns a value of field f that its range r refuses, or "" when the range
// has no outside.
func outside(f reflect.StructField, r settingRange) string {
	kind := f.Type.Kind()
	if kind == reflect.Slice {
		kind = f.Type.Elem().Kind()
	}
	switch {
	case r.words != nil:
		return "bogus"
	case r.lo != "-inf":
		x := r.loValue
		if !r.loOpen {
			x-- // integers and numbers alike: one below an included bound
		}
		if kind == reflect.Float64 {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return strconv.Itoa(int(x))
	case r.hi != "inf":
		return strconv.FormatFloat(r.hiValue+1, 'g', -1, 64)
	case kind == reflect.Float64:
		return "NaN" // parses, and lies in no interval
	}
	return ""
}

// TestSettingRanges covers every setting of every problem, for both profiles: the
// defaults lie in their ranges; a value outside the range, a value that does not parse
// and (for lists) a wrong number of values are refused with a *SettingError naming
// the setting and its value; and an unknown setting is refused.
func TestSettingRanges(t *testing.T) {
	for _, p := range All() {
		for _, profile := range []Profile{Quick, Full} {
			t.Run(p.Name+"/"+string(profile), func(t *testing.T) {
				if err := CheckSettings(p.Name, profile, nil); err != nil {
					t.Fatalf("defaults: %v", err)
				}
				settings := settingsOf(reflect.ValueOf(p.Defaults(profile)).Elem())
				byKey := settingValues(settings)
				for _, st := range settings {
					name, f := st.key, st.field
					type probe struct{ what, value string }
					var probes []probe
					if f.Type.Kind() == reflect.Bool {
						probes = append(probes, probe{"unparsable", "maybe"})
					} else {
						r, err := parseRange(f.Tag.Get("range"), func(n string) (float64, bool) { return boundValue(byKey, st.prefix, n) })
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if r.words == nil {
							probes = append(probes, probe{"unparsable", "abc"})
						}
						if o := outside(f, r); o != "" {
							probes = append(probes, probe{"outside the range", o})
						} else {
							t.Errorf("%s: range %q refuses no value", name, f.Tag.Get("range"))
						}
						if f.Type.Kind() == reflect.Slice {
							if l := f.Tag.Get("len"); l != "" {
								probes = append(probes, probe{"too few values", formatSetting(st.value.Slice(0, 1))})
							}
						}
					}
					for _, pr := range probes {
						err := CheckSettings(p.Name, profile, map[string]string{name: pr.value})
						var se *SettingError
						if !errors.As(err, &se) {
							t.Errorf("%s=%s (%s): error %v, want a *SettingError", name, pr.value, pr.what, err)
							continue
						}
						msg := se.Error()
						if se.Name != name || !strings.Contains(msg, name+"="+pr.value) || !strings.Contains(msg, "want ") || strings.Contains(msg, "\n") || !se.Usage() {
							t.Errorf("%s=%s (%s): message %q does not name the setting, its value and what it accepts on one line", name, pr.value, pr.what, msg)
						}
					}
				}
				err := CheckSettings(p.Name, profile, map[string]string{"foo": "1"})
				var se *SettingError
				if !errors.As(err, &se) || !se.Unknown || !strings.Contains(se.Error(), "foo=1") {
					t.Errorf("unknown setting foo=1: %v, want a *SettingError", err)
				}
			})
		}
	}
}

// TestSettingMessages pins the messages a new user sees for three mistakes.
func TestSettingMessages(t *testing.T) {
	cases := []struct {
		name      string
		overrides map[string]string
		want      string
	}{
		{"negative epochs", map[string]string{"epochs": "-5"}, "problems: 1-1: setting epochs=-5: want an integer in [1, inf)"},
		{"unparsable epochs", map[string]string{"epochs": "abc"}, "problems: 1-1: setting epochs=abc: want an integer in [1, inf)"},
		{"zero learning rate", map[string]string{"lr": "0"}, "problems: 1-1: setting lr=0: want a number in (0, inf)"},
		{"hi below lo", map[string]string{"lo": "2", "hi": "1"}, "problems: 1-1: setting hi=1: want a number in (lo=2, inf)"},
		{"unknown optimizer", map[string]string{"optimizer": "lbfgs"}, "problems: 1-1: setting optimizer=lbfgs: want one of sgd, momentum, adam"},
		{"negative depth", map[string]string{"depths": "1,-1"}, "problems: 1-1: setting depths=1,-1: want a comma-separated list of one or more values, each an integer in [1, inf)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckSettings("1-1", Quick, c.overrides)
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v\nwant %s", err, c.want)
			}
		})
	}
}
