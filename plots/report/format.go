package report

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// formatNumber formats a final number for a table: integers in full (grouped by
// thousands from 10,000 on), other values with four significant digits, NaN and
// infinities by name.
func formatNumber(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return groupThousands(strconv.FormatInt(int64(v), 10))
	}
	return shortExp(strconv.FormatFloat(v, 'g', 4, 64))
}

// formatExact formats a setting: the shortest form that reads back as v.
func formatExact(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return formatNumber(v)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return groupThousands(strconv.FormatInt(int64(v), 10))
	}
	return shortExp(strconv.FormatFloat(v, 'g', -1, 64))
}

// shortExp drops the padding zero of an exponent: 1e-05 becomes 1e-5.
func shortExp(s string) string {
	i := strings.IndexByte(s, 'e')
	if i < 0 || i+2 >= len(s) {
		return s
	}
	mant, sign, exp := s[:i], s[i+1], strings.TrimLeft(s[i+2:], "0")
	if exp == "" {
		exp = "0"
	}
	if sign == '+' {
		return mant + "e" + exp
	}
	return mant + "e" + string(sign) + exp
}

// groupThousands puts commas between groups of three digits in an integer of five or
// more digits.
func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	if len(digits) < 5 {
		return s
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatValue formats a setting of any type: numbers exactly, lists joined by commas,
// an empty string as "(empty)".
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		if x == "" {
			return "(empty)"
		}
		return x
	case float64:
		return formatExact(x)
	case float32:
		return formatExact(float64(x))
	case bool:
		return strconv.FormatBool(x)
	case time.Duration:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return groupThousands(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return groupThousands(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		return formatExact(rv.Float())
	case reflect.String:
		return formatValue(rv.String())
	case reflect.Slice, reflect.Array:
		if rv.Len() == 0 {
			return "(none)"
		}
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = formatValue(rv.Index(i).Interface())
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// formatSeconds formats a wall time: "4.2 s", "3 min 07 s", "1 h 05 min".
func formatSeconds(s float64) string {
	switch {
	case math.IsNaN(s) || s < 0:
		return "?"
	case s < 60:
		return fmt.Sprintf("%.1f s", s)
	case s < 3600:
		t := int(math.Round(s))
		return fmt.Sprintf("%d min %02d s", t/60, t%60)
	}
	t := int(math.Round(s / 60))
	return fmt.Sprintf("%d h %02d min", t/60, t%60)
}

// formatSeeds lists the seeds, or the first few and the last of many.
func formatSeeds(seeds []int64) string {
	const show = 6
	str := func(ss []int64) string {
		parts := make([]string, len(ss))
		for i, s := range ss {
			parts[i] = strconv.FormatInt(s, 10)
		}
		return strings.Join(parts, ", ")
	}
	if len(seeds) == 0 {
		return "(none recorded)"
	}
	if len(seeds) <= show+2 {
		return str(seeds)
	}
	return fmt.Sprintf("%s, …, %d (%d seeds)", str(seeds[:show]), seeds[len(seeds)-1], len(seeds))
}

// naturalLess orders strings with their runs of digits compared as numbers, so that
// "seed-9" comes before "seed-10".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		ca, ra := chunk(a)
		cb, rb := chunk(b)
		if ca != cb {
			da, db := isDigit(ca[0]), isDigit(cb[0])
			switch {
			case da && db:
				ta, tb := strings.TrimLeft(ca, "0"), strings.TrimLeft(cb, "0")
				if len(ta) != len(tb) {
					return len(ta) < len(tb)
				}
				if ta != tb {
					return ta < tb
				}
				return len(ca) < len(cb)
			default:
				return ca < cb
			}
		}
		a, b = ra, rb
	}
	return len(a) < len(b)
}

// chunk splits s into its leading run of digits or of non-digits and the rest.
func chunk(s string) (string, string) {
	d := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == d {
		i++
	}
	return s[:i], s[i:]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// sortNatural sorts strings in natural order.
func sortNatural(ss []string) {
	sort.SliceStable(ss, func(i, j int) bool { return naturalLess(ss[i], ss[j]) })
}

// table is a table of final numbers: one row per label, one cell per column.
type table struct {
	Title   string   // what the table shows (a typed summary's list); may be empty
	Corner  string   // the header of the label column
	Columns []string // the headers of the value columns
	Rows    []tableRow
}

type tableRow struct {
	Label string
	Cells []string
}

// summaryTables arranges a summary for reading. Keys are paths such as
// "digits/cnn-2/test_accuracy". First, the keys whose prefixes ("digits/cnn-2") share
// the same set of last parts ("params", "test_accuracy", ...) become one table with a
// row per prefix and a column per last part. Then, among the keys left, those whose
// next-to-last parts name rows with the same set of remaining parts become a table:
// "sinc/deep-7/final_loss" and "deep-7/params" give the row "deep-7" with the columns
// "params" and "sinc/final_loss". The other keys go into a key-value table, which
// comes last. Rows and columns are in natural order.
func summaryTables(sum map[string]float64) []table {
	keys := make([]string, 0, len(sum))
	for k := range sum {
		keys = append(keys, k)
	}
	sortNatural(keys)
	byPrefix := func(k string) (string, string, bool) {
		i := strings.LastIndexByte(k, '/')
		if i <= 0 || i == len(k)-1 {
			return "", "", false
		}
		return k[:i], k[i+1:], true
	}
	byInner := func(k string) (string, string, bool) {
		parts := strings.Split(k, "/")
		n := len(parts)
		if n < 2 || slices.Contains(parts, "") {
			return "", "", false
		}
		row := parts[n-2]
		return row, strings.Join(append(parts[:n-2:n-2], parts[n-1]), "/"), true
	}
	out, rest := pivot(sum, keys, byPrefix)
	more, rest := pivot(sum, rest, byInner)
	out = append(out, more...)
	flat := table{Corner: "key", Columns: []string{"value"}}
	for _, k := range rest {
		flat.Rows = append(flat.Rows, tableRow{Label: k, Cells: []string{formatNumber(sum[k])}})
	}
	if len(flat.Rows) > 0 {
		out = append(out, flat)
	}
	return out
}

// pivot splits each key into a row and a column label and makes a table of the rows
// that have the same set of columns, for sets of two to ten columns shared by two rows
// or more. It returns the tables and the keys it left out, in their order.
func pivot(sum map[string]float64, keys []string, split func(string) (row, col string, ok bool)) ([]table, []string) {
	const maxColumns = 10
	cols := map[string]map[string]string{} // row -> column -> key
	var rows []string
	for _, k := range keys {
		r, c, ok := split(k)
		if !ok {
			continue
		}
		if cols[r] == nil {
			cols[r] = map[string]string{}
			rows = append(rows, r)
		}
		if _, dup := cols[r][c]; dup {
			continue // two keys in one cell: leave the second in the flat table
		}
		cols[r][c] = k
	}
	sortNatural(rows)
	groups := map[string][]string{} // column signature -> rows
	var sigs []string
	for _, r := range rows {
		var cs []string
		for c := range cols[r] {
			cs = append(cs, c)
		}
		sortNatural(cs)
		sig := strings.Join(cs, "\x00")
		if _, ok := groups[sig]; !ok {
			sigs = append(sigs, sig)
		}
		groups[sig] = append(groups[sig], r)
	}
	used := map[string]bool{}
	var out []table
	for _, sig := range sigs {
		rs := groups[sig]
		cs := strings.Split(sig, "\x00")
		if len(rs) < 2 || len(cs) < 2 || len(cs) > maxColumns {
			continue
		}
		t := table{Columns: cs}
		for _, r := range rs {
			row := tableRow{Label: r}
			for _, c := range cs {
				k := cols[r][c]
				row.Cells = append(row.Cells, formatNumber(sum[k]))
				used[k] = true
			}
			t.Rows = append(t.Rows, row)
		}
		out = append(out, t)
	}
	var rest []string
	for _, k := range keys {
		if !used[k] {
			rest = append(rest, k)
		}
	}
	return out, rest
}
