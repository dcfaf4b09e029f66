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

// answerFrom decodes the run's typed summary into an S and returns what write says
// about it, trimmed of surrounding space; a summary that does not decode is answered
// with the decoding error.
func answerFrom[S any](res RunResult, write func(s *S, b *strings.Builder)) string {
	var s S
	if err := res.DecodeSummary(&s); err != nil {
		return err.Error()
	}
	var b strings.Builder
	write(&s, &b)
	return strings.TrimSpace(b.String())
}
