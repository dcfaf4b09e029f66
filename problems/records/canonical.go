package records

import (
	"cmp"
	"math"
	"slices"
)

// Canonical returns the rows of t in the canonical order, the order "hw1 merge" writes
// and the order in which a sharded run's merged records equal an unsharded run's: by
// run, model, split, seed (empty first), step (empty first), epoch (empty first) and
// metric. Names compare in natural order, so that "seed-2" comes before "seed-10".
// Rows equal on all of these keep their order in t, so that a row written again by a
// resumed run still comes after the row it replaces. t is not modified.
func Canonical(t Table) Table {
	out := slices.Clone(t)
	slices.SortStableFunc(out, CompareRows)
	return out
}

// CompareRows orders two rows as Canonical does: it returns a negative number when a
// comes first, a positive one when b does and 0 when neither does.
func CompareRows(a, b Row) int {
	if c := natural(a.Run, b.Run); c != 0 {
		return c
	}
	if c := natural(a.Model, b.Model); c != 0 {
		return c
	}
	if c := natural(a.Split, b.Split); c != 0 {
		return c
	}
	as, aok := a.Seed.Get()
	bs, bok := b.Seed.Get()
	if c := cmpBool(aok, bok); c != 0 {
		return c
	}
	if c := cmp.Compare(as, bs); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Step, b.Step); c != 0 { // NoStep (-1) first
		return c
	}
	if c := cmpBool(!math.IsNaN(a.Epoch), !math.IsNaN(b.Epoch)); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Epoch, b.Epoch); c != 0 {
		return c
	}
	return natural(a.Metric, b.Metric)
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// natural compares two names in natural order: runs of digits compare as numbers
// (shorter runs after leading zeros are stripped first), everything else byte by byte.
func natural(a, b string) int {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			da, db := digits(a), digits(b)
			na, nb := trimZeros(a[:da]), trimZeros(b[:db])
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			if c := cmp.Compare(da, db); c != 0 { // "01" after "1"
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits returns the length of the run of digits at the start of s.
func digits(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
