package problems

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// A setting's range is declared next to its name, in the struct tag `range`:
//
//	[1,inf)          an integer or number in an interval; a square bracket includes the
//	(0,inf)          bound, a round one excludes it; a bound is a number, inf, -inf or
//	(lo,inf)         the name of another setting of the same problem, or len(name),
//	[0,len(hidden)]  the number of values of a list setting
//	{sgd,adam}       one of a set of words
//
// A list setting applies its range to each element, must have at least one, and with
// the tag `len:"N"` exactly N. Bool settings need no range. checkRanges checks every
// setting of a problem against its range before any work starts.

// SettingError reports a setting that cannot be used: an unknown name, a value that
// does not parse, or one outside the setting's declared range. The command line maps it
// to exit status 2.
type SettingError struct {
	Problem string // the problem, when known
	Name    string // the setting
	Value   string // the value given, or the default when the setting was not given
	// Allowed says what the setting accepts; for an unknown setting, the names of the
	// problem's settings.
	Allowed string
	Unknown bool
}

func (e *SettingError) Error() string {
	prefix := "problems: "
	if e.Problem != "" {
		prefix += e.Problem + ": "
	}
	if e.Unknown {
		return fmt.Sprintf("%sunknown setting %s=%s (settings: %s)", prefix, e.Name, e.Value, e.Allowed)
	}
	return fmt.Sprintf("%ssetting %s=%s: want %s", prefix, e.Name, e.Value, e.Allowed)
}

// Usage reports true: a bad setting is a mistake in the command line.
func (e *SettingError) Usage() bool { return true }

// CheckSettings checks overrides against problem name's settings for profile: every
// key must name a setting, every value must parse, and every setting, given or
// default, must lie in its declared range. It returns a *SettingError naming the first
// bad setting, in the order of the settings struct.
func CheckSettings(name string, profile Profile, overrides map[string]string) error {
	p, ok := Lookup(name)
	if !ok || p.Defaults == nil {
		return fmt.Errorf("problems: unknown problem %q", name)
	}
	s := p.Defaults(profile)
	err := applyOverrides(s, overrides)
	if err == nil {
		err = checkRanges(s)
	}
	var se *SettingError
	if errors.As(err, &se) {
		se.Problem = name
	}
	return err
}

// settingRange is a parsed `range` tag.
type settingRange struct {
	words            []string // a set of words, or nil for an interval
	lo, hi           string   // the bounds as written
	loOpen, hiOpen   bool
	loValue, hiValue float64
}

// parseRange parses tag, resolving bounds named after settings with value.
func parseRange(tag string, value func(name string) (float64, bool)) (settingRange, error) {
	var r settingRange
	if strings.HasPrefix(tag, "{") && strings.HasSuffix(tag, "}") {
		r.words = strings.Split(tag[1:len(tag)-1], ",")
		return r, nil
	}
	if len(tag) < 5 || !strings.ContainsRune("[(", rune(tag[0])) || !strings.ContainsRune("])", rune(tag[len(tag)-1])) {
		return r, fmt.Errorf("problems: malformed range %q", tag)
	}
	lo, hi, ok := strings.Cut(tag[1:len(tag)-1], ",")
	if !ok {
		return r, fmt.Errorf("problems: malformed range %q", tag)
	}
	r.lo, r.hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	r.loOpen, r.hiOpen = tag[0] == '(', tag[len(tag)-1] == ')'
	bound := func(s string) (float64, error) {
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return x, nil
		}
		if x, ok := value(s); ok {
			return x, nil
		}
		return 0, fmt.Errorf("problems: range %q: bound %q is neither a number nor a setting", tag, s)
	}
	var err error
	if r.loValue, err = bound(r.lo); err != nil {
		return r, err
	}
	if r.hiValue, err = bound(r.hi); err != nil {
		return r, err
	}
	return r, nil
}

// contains reports whether x lies in the interval r.
func (r settingRange) contains(x float64) bool {
	if math.IsNaN(x) {
		return false
	}
	above := x > r.loValue || !r.loOpen && x == r.loValue
	below := x < r.hiValue || !r.hiOpen && x == r.hiValue
	return above && below
}

// describe says what r accepts for a value of kind k: "an integer in [1, inf)".
func (r settingRange) describe(k reflect.Kind) string {
	if r.words != nil {
		return "one of " + strings.Join(r.words, ", ")
	}
	what := "a number"
	if k == reflect.Int || k == reflect.Int64 || k == reflect.Uint64 {
		what = "an integer"
	}
	name := func(s string, v float64) string {
		if _, err := strconv.ParseFloat(s, 64); err == nil || math.IsNaN(v) {
			return s
		}
		return fmt.Sprintf("%s=%g", s, v)
	}
	open, closing := "[", "]"
	if r.loOpen {
		open = "("
	}
	if r.hiOpen {
		closing = ")"
	}
	return fmt.Sprintf("%s in %s%s, %s%s", what, open, name(r.lo, r.loValue), name(r.hi, r.hiValue), closing)
}

// allowed describes what the field f accepts, for error messages.
func allowed(f reflect.StructField, r settingRange) string {
	t := f.Type
	if t.Kind() == reflect.Bool {
		return "true or false"
	}
	if t.Kind() != reflect.Slice {
		return r.describe(t.Kind())
	}
	n := "one or more"
	if l := f.Tag.Get("len"); l != "" {
		n = "exactly " + l
	}
	return fmt.Sprintf("a comma-separated list of %s values, each %s", n, r.describe(t.Elem().Kind()))
}

// checkRanges checks every setting of the struct s points to against its `range` and
// `len` tags. A setting with neither, other than a bool, is a programmer mistake
// reported as an error too, so that no setting goes unchecked. A bound names a setting
// of the same group first, then one of the whole struct.
func checkRanges(s any) error {
	settings := settingsOf(reflect.ValueOf(s).Elem())
	byKey := settingValues(settings)
	for _, st := range settings {
		name, f := st.key, st.field
		if f.Type.Kind() == reflect.Bool {
			continue
		}
		tag := f.Tag.Get("range")
		if tag == "" {
			return fmt.Errorf("problems: setting %s declares no range", name)
		}
		r, err := parseRange(tag, func(bound string) (float64, bool) { return boundValue(byKey, st.prefix, bound) })
		if err != nil {
			return err
		}
		fv := st.value
		bad := &SettingError{Name: name, Value: formatSetting(fv), Allowed: allowed(f, r)}
		elems := []reflect.Value{fv}
		if fv.Kind() == reflect.Slice {
			elems = elems[:0]
			for j := 0; j < fv.Len(); j++ {
				elems = append(elems, fv.Index(j))
			}
			want := 0
			if l := f.Tag.Get("len"); l != "" {
				if want, err = strconv.Atoi(l); err != nil {
					return fmt.Errorf("problems: setting %s: malformed len %q", name, l)
				}
			}
			if len(elems) == 0 || want > 0 && len(elems) != want {
				return bad
			}
		}
		for _, e := range elems {
			if !inRange(e, r) {
				return bad
			}
		}
	}
	return nil
}

// settingValues returns the values of settings by key.
func settingValues(settings []setting) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	for _, st := range settings {
		out[st.key] = st.value
	}
	return out
}

// boundValue returns the value of the bound named bound of a range, from the settings
// by key: a setting's number, or len(name), the number of values of a list setting.
// The name is looked up with the group's prefix first.
func boundValue(byKey map[string]reflect.Value, prefix, bound string) (float64, bool) {
	name, isLen := strings.CutPrefix(bound, "len(")
	if isLen {
		name = strings.TrimSuffix(name, ")")
	}
	f, ok := byKey[prefix+name]
	if !ok {
		f, ok = byKey[name]
	}
	switch {
	case !ok:
		return 0, false
	case isLen && f.Kind() == reflect.Slice:
		return float64(f.Len()), true
	case isLen:
		return 0, false
	}
	return number(f)
}

// inRange reports whether the scalar e lies in r.
func inRange(e reflect.Value, r settingRange) bool {
	if r.words != nil {
		return e.Kind() == reflect.String && slices.Contains(r.words, e.String())
	}
	x, ok := number(e)
	return ok && r.contains(x)
}

// number returns the value of a numeric scalar as a float64.
func number(e reflect.Value) (float64, bool) {
	switch e.Kind() {
	case reflect.Int, reflect.Int64:
		return float64(e.Int()), true
	case reflect.Uint64:
		return float64(e.Uint()), true
	case reflect.Float64:
		return e.Float(), true
	}
	return 0, false
}

// formatSetting writes a setting's value as --set would take it.
func formatSetting(v reflect.Value) string {
	if v.Kind() != reflect.Slice {
		return fmt.Sprint(v.Interface())
	}
	parts := make([]string, v.Len())
	for i := range parts {
		parts[i] = fmt.Sprint(v.Index(i).Interface())
	}
	return strings.Join(parts, ",")
}
