package records

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
)

// EncodeSummary returns the JSON of a problem's typed summary v, the form stored in
// Manifest.Summary. It is json.Marshal with two differences: non-finite numbers
// (a diverged run's loss) are written as null instead of failing, and struct fields
// keep their order, so the report shows tables in the order the struct declares.
// Struct tags are honoured as encoding/json does for names, "-" and omitempty;
// values implementing json.Marshaler (Estimate) encode themselves.
func EncodeSummary(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	if err := encodeValue(&b, reflect.ValueOf(v)); err != nil {
		return nil, fmt.Errorf("records: summary: %w", err)
	}
	return json.RawMessage(b.Bytes()), nil
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

func encodeValue(b *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		b.WriteString("null")
		return nil
	}
	if v.Type().Implements(marshalerType) && (v.Kind() != reflect.Pointer || !v.IsNil()) {
		data, err := v.Interface().(json.Marshaler).MarshalJSON()
		if err != nil {
			return err
		}
		b.Write(data)
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return encodeValue(b, v.Elem())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null")
			return nil
		}
	case reflect.Struct:
		b.WriteByte('{')
		for i, f := range structFields(v) {
			if i > 0 {
				b.WriteByte(',')
			}
			key, _ := json.Marshal(f.name)
			b.Write(key)
			b.WriteByte(':')
			if err := encodeValue(b, f.v); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("null")
			return nil
		}
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeValue(b, v.Index(i)); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			break
		}
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			key, _ := json.Marshal(k.String())
			b.Write(key)
			b.WriteByte(':')
			if err := encodeValue(b, v.MapIndex(k)); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	}
	data, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	b.Write(data)
	return nil
}

// namedField is a struct field as JSON sees it.
type namedField struct {
	name string
	v    reflect.Value
}

// structFields returns the fields of struct v that JSON encodes, in order, with the
// fields of embedded structs without a JSON name in place of the embedded struct, as
// encoding/json does (without its rules for conflicting names). Fields with omitempty
// and a zero value are left out.
func structFields(v reflect.Value) []namedField {
	var out []namedField
	for i := range v.NumField() {
		sf := v.Type().Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct && sf.Tag.Get("json") == "" {
			out = append(out, structFields(v.Field(i))...)
			continue
		}
		name, omit, ok := fieldName(sf)
		if !ok || (omit && v.Field(i).IsZero()) {
			continue
		}
		out = append(out, namedField{name, v.Field(i)})
	}
	return out
}

// fieldName returns the JSON name of an exported struct field and whether it has
// omitempty; ok is false for unexported fields and fields tagged "-".
func fieldName(sf reflect.StructField) (name string, omit, ok bool) {
	if !sf.IsExported() {
		return "", false, false
	}
	tag := sf.Tag.Get("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = sf.Name
	}
	return name, strings.Contains(","+opts+",", ",omitempty,"), true
}

// DecodeSummary reads the summary JSON data (as EncodeSummary wrote it) into v, a
// pointer to the problem's summary struct. A null where v has a floating-point number
// reads as NaN, the value EncodeSummary wrote as null. Unknown fields are an error, so
// a manifest of another problem, or of an older summary layout, does not read as a
// half-empty summary.
func DecodeSummary(data json.RawMessage, v any) error {
	if len(bytes.TrimSpace(data)) == 0 || string(bytes.TrimSpace(data)) == "null" {
		return fmt.Errorf("records: summary: the manifest has no summary")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("records: summary: %w", err)
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		return fmt.Errorf("records: summary: %w", err)
	}
	nullsToNaN(tree, reflect.ValueOf(v))
	return nil
}

// nullsToNaN sets to NaN every floating-point number of v that is null in tree.
func nullsToNaN(tree any, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.CanAddr() && v.Addr().Type().Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return // decodes its own nulls (Estimate)
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if tree == nil && v.CanSet() {
			v.SetFloat(math.NaN())
		}
	case reflect.Struct:
		obj, _ := tree.(map[string]any)
		for _, f := range structFields(v) {
			if sub, present := obj[f.name]; present {
				nullsToNaN(sub, f.v)
			}
		}
	case reflect.Slice, reflect.Array:
		arr, _ := tree.([]any)
		for i := 0; i < v.Len() && i < len(arr); i++ {
			nullsToNaN(arr[i], v.Index(i))
		}
	case reflect.Map:
		obj, _ := tree.(map[string]any)
		if v.IsNil() || v.Type().Key().Kind() != reflect.String {
			return
		}
		for k, sub := range obj {
			key := reflect.ValueOf(k).Convert(v.Type().Key())
			cur := v.MapIndex(key)
			if !cur.IsValid() {
				continue
			}
			cp := reflect.New(cur.Type()).Elem()
			cp.Set(cur)
			nullsToNaN(sub, cp)
			v.SetMapIndex(key, cp)
		}
	}
}

// FlatSummary returns the summary as a map from key to number when it is the flat
// form that schema-1 manifests and older problems wrote ({"key": number or null}),
// with null read as NaN; ok is false for any other summary (a typed one).
func (m *Manifest) FlatSummary() (flat map[string]float64, ok bool) {
	if len(m.Summary) == 0 {
		return map[string]float64{}, true
	}
	var w map[string]*float64
	if err := json.Unmarshal(m.Summary, &w); err != nil {
		return nil, false
	}
	flat = make(map[string]float64, len(w))
	for k, v := range w {
		flat[k] = orNaN(v)
	}
	return flat, true
}

// Flat returns FlatSummary's map, or an empty map for a typed summary. Problems that
// still write flat summaries read theirs back with it.
func (m *Manifest) Flat() map[string]float64 {
	flat, ok := m.FlatSummary()
	if !ok {
		return map[string]float64{}
	}
	return flat
}

// SetFlatSummary stores a flat summary (key to number, non-finite numbers as null).
func (m *Manifest) SetFlatSummary(flat map[string]float64) error {
	raw, err := EncodeSummary(flat)
	if err != nil {
		return err
	}
	m.Summary = raw
	return nil
}
