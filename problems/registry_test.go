package problems

import (
	"slices"
	"testing"

	"hw1/problems/records"
)

// TestRegistryFollowsRecords checks that every problem of records.Problems is in the
// catalogue, and that All walks them in that order.
func TestRegistryFollowsRecords(t *testing.T) {
	if got, want := Names(), records.Problems(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want records.Problems() = %v", got, want)
	}
	for _, name := range records.Problems() {
		p, ok := Lookup(name)
		if !ok || p.Name != name || p.Run == nil || p.Defaults == nil || p.Answer == nil {
			t.Errorf("problem %s: listed %t, incomplete entry %+v", name, ok, p.Name)
		}
	}
}
