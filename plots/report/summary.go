package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"hw1/problems/records"
)

// node is one JSON value with the order of its object keys kept.
type node struct {
	keys []string // object keys in order; vals[i] is the value of keys[i]
	vals []*node
	arr  []*node
	obj  bool
	list bool
	lit  any // a number (json.Number), string, bool or nil
}

// parseNode reads one JSON value, keeping object keys in order.
func parseNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &node{obj: t == '{', list: t == '['}
		for dec.More() {
			if n.obj {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := k.(string)
				n.keys = append(n.keys, key)
			}
			v, err := parseNode(dec)
			if err != nil {
				return nil, err
			}
			if n.obj {
				n.vals = append(n.vals, v)
			} else {
				n.arr = append(n.arr, v)
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	default:
		return &node{lit: t}, nil
	}
}

// get returns the value of key in an object, or nil.
func (n *node) get(key string) *node {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// estimateKeys are the keys of a records.Estimate in JSON.
var estimateKeys = []string{"mean", "sd", "n", "lo", "hi", "level"}

// isEstimate reports whether n is a records.Estimate object.
func (n *node) isEstimate() bool {
	if !n.obj || len(n.keys) != len(estimateKeys) {
		return false
	}
	for _, k := range estimateKeys {
		if v := n.get(k); v == nil || v.obj || v.list {
			return false
		}
	}
	return true
}

// scalar reports whether n renders in one cell: a literal, an estimate, or a list of
// literals.
func (n *node) scalar() bool {
	if n.isEstimate() || (!n.obj && !n.list) {
		return true
	}
	if n.list {
		for _, e := range n.arr {
			if e.obj || e.list {
				return false
			}
		}
		return true
	}
	return false
}

// number returns a literal number, or NaN for null and anything else.
func (n *node) number() float64 {
	if num, ok := n.lit.(json.Number); ok {
		if f, err := num.Float64(); err == nil {
			return f
		}
	}
	return math.NaN()
}

// cell formats a value that renders in one cell. An estimate reads
// "mean ± sd [lo, hi], n" (its interval at the stated level).
func (n *node) cell() string {
	switch {
	case n.isEstimate():
		var e records.Estimate
		e.Mean, e.SD, e.Lo, e.Hi = n.get("mean").number(), n.get("sd").number(), n.get("lo").number(), n.get("hi").number()
		e.N = int(n.get("n").number())
		switch e.N {
		case 0:
			return "–"
		case 1:
			return formatNumber(e.Mean) + ", n 1"
		}
		return fmt.Sprintf("%s ± %s [%s, %s], n %d", formatNumber(e.Mean), formatNumber(e.SD), formatNumber(e.Lo), formatNumber(e.Hi), e.N)
	case n.list:
		parts := make([]string, len(n.arr))
		for i, e := range n.arr {
			parts[i] = e.cell()
		}
		return strings.Join(parts, ", ")
	}
	switch v := n.lit.(type) {
	case nil:
		return "–"
	case json.Number:
		return formatNumber(n.number())
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case string:
		return v
	}
	return fmt.Sprint(n.lit)
}

// typedTables arranges a typed summary for reading: every array of objects becomes a
// table titled by its path, with a row per element labelled by the element's first
// field and a column per other field (nested objects flattened into "a/b" columns);
// the other values go into one key-value table, first, with their paths as keys.
// Estimates render as "mean ± sd [lo, hi], n"; null as "–".
func typedTables(raw json.RawMessage) ([]table, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	root, err := parseNode(dec)
	if err != nil {
		return nil, fmt.Errorf("report: summary: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("report: summary: data after the JSON value")
	}
	flat := table{Corner: "key", Columns: []string{"value"}}
	var out []table
	var walk func(path string, n *node)
	walk = func(path string, n *node) {
		switch {
		case n.scalar():
			flat.Rows = append(flat.Rows, tableRow{Label: path, Cells: []string{n.cell()}})
		case n.obj:
			for i, k := range n.keys {
				walk(joinPath(path, k), n.vals[i])
			}
		default: // a list holding objects or lists
			if t, ok := objectTable(path, n); ok {
				out = append(out, t)
				return
			}
			for i, e := range n.arr {
				walk(joinPath(path, fmt.Sprint(i)), e)
			}
		}
	}
	walk("", root)
	if len(flat.Rows) > 0 {
		out = append([]table{flat}, out...)
	}
	return out, nil
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "/" + b
}

// objectTable makes a table of a list of objects; ok is false when an element is not
// an object.
func objectTable(path string, n *node) (table, bool) {
	type cellOf struct{ col, val string }
	var cols []string
	seen := map[string]bool{}
	var rows [][]cellOf
	var labels []string
	corner := ""
	for _, e := range n.arr {
		if !e.obj || e.isEstimate() {
			return table{}, false
		}
		var cells []cellOf
		var flatten func(prefix string, o *node)
		flatten = func(prefix string, o *node) {
			for i, k := range o.keys {
				v, col := o.vals[i], joinPath(prefix, k)
				if v.obj && !v.isEstimate() {
					flatten(col, v)
					continue
				}
				val := v.cell()
				if !v.scalar() {
					b, _ := json.Marshal(v.plain())
					val = string(b)
				}
				cells = append(cells, cellOf{col, val})
			}
		}
		flatten("", e)
		label := ""
		if len(cells) > 0 && len(e.keys) > 0 && !e.vals[0].obj && !e.vals[0].list {
			label, cells = cells[0].val, cells[1:]
			if corner == "" {
				corner = e.keys[0]
			}
		}
		for _, c := range cells {
			if !seen[c.col] {
				seen[c.col] = true
				cols = append(cols, c.col)
			}
		}
		rows = append(rows, cells)
		labels = append(labels, label)
	}
	t := table{Title: path, Corner: corner, Columns: cols}
	for i, cells := range rows {
		r := tableRow{Label: labels[i], Cells: make([]string, len(cols))}
		for j, col := range cols {
			r.Cells[j] = "–"
			for _, c := range cells {
				if c.col == col {
					r.Cells[j] = c.val
				}
			}
		}
		t.Rows = append(t.Rows, r)
	}
	return t, true
}

// plain returns n as plain Go values for compact JSON (order of keys aside).
func (n *node) plain() any {
	switch {
	case n.obj:
		m := map[string]any{}
		for i, k := range n.keys {
			m[k] = n.vals[i].plain()
		}
		return m
	case n.list:
		l := make([]any, len(n.arr))
		for i, e := range n.arr {
			l[i] = e.plain()
		}
		return l
	}
	return n.lit
}

// manifestTables returns the tables of a manifest's summary: the key-path tables of a
// flat summary (old manifests and problems without a typed summary), or the generic
// tables of a typed one.
func manifestTables(m *records.Manifest) ([]table, error) {
	if flat, ok := m.FlatSummary(); ok {
		return summaryTables(flat), nil
	}
	return typedTables(m.Summary)
}
