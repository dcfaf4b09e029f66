package problems

import (
	"strconv"
	"strings"
)

// joinInts formats xs joined by sep ("10-10" for 10, 10 and "-").
func joinInts(xs []int, sep string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, sep)
}
