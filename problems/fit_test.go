package problems

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCheckpointEpoch checks the one parser of a checkpoint's .epoch file that fit
// and 2-1 share.
func TestCheckpointEpoch(t *testing.T) {
	for _, c := range []struct {
		name     string
		content  *string
		epoch    int
		stopped  bool
		wantsErr bool
	}{
		{"missing", nil, 0, false, false},
		{"epochs", ptr("12\n"), 12, false, false},
		{"stopped", ptr("7 stopped\n"), 7, true, false},
		{"empty", ptr(""), 0, false, true},
		{"zero", ptr("0\n"), 0, false, true},
		{"negative", ptr("-3\n"), 0, false, true},
		{"not a number", ptr("x\n"), 0, false, true},
		{"unknown mark", ptr("5 done\n"), 0, false, true},
		{"extra fields", ptr("5 stopped now\n"), 0, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "model")
			if c.content != nil {
				if err := os.WriteFile(prefix+".epoch", []byte(*c.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			epoch, stopped, err := checkpointEpoch(prefix)
			if (err != nil) != c.wantsErr {
				t.Fatalf("error %v, want error %v", err, c.wantsErr)
			}
			if epoch != c.epoch || stopped != c.stopped {
				t.Errorf("checkpointEpoch = %d, %v, want %d, %v", epoch, stopped, c.epoch, c.stopped)
			}
		})
	}
}

func ptr(s string) *string { return &s }
