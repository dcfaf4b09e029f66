package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"time"
)

// Status is the state of a run as recorded in its manifest.
type Status string

// The statuses of a run.
const (
	StatusRunning     Status = "running"     // written when the run starts
	StatusOK          Status = "ok"          // the run finished
	StatusFailed      Status = "failed"      // the run stopped on an error (Manifest.Error)
	StatusInterrupted Status = "interrupted" // the run was stopped by a signal
)

// Manifest is the content of manifest.json: a run's settings and outcome.
//
// Times are written in RFC 3339 form; End is left out while the run is running.
// Summary is the problem's own typed summary as JSON (see EncodeSummary and
// DecodeSummary); manifests of schema version 1, and problems not yet converted, hold
// a flat object of numbers instead (see FlatSummary). Non-finite numbers are written
// as JSON null, since JSON has no such numbers.
type Manifest struct {
	// SchemaVersion is the record schema of the run's files (see SchemaVersion).
	// WriteManifest sets it to SchemaVersion; ReadManifest gives 1 for a manifest
	// without the field, as version 1 wrote them.
	SchemaVersion int             `json:"schema_version"`
	Problem       string          `json:"problem"`
	Profile       string          `json:"profile"`
	Status        Status          `json:"status"`
	Error         string          `json:"error"`
	Settings      map[string]any  `json:"settings"`
	Seeds         []int64         `json:"seeds"`
	Dataset       Dataset         `json:"dataset"`
	TensorFlow    TensorFlow      `json:"tensorflow"`
	Device        string          `json:"device"`
	Threads       int             `json:"threads"`
	HW1Version    string          `json:"hw1_version"`
	Start         time.Time       `json:"start"`
	End           time.Time       `json:"end,omitzero"`
	WallSecs      float64         `json:"wall_seconds"`
	Summary       json.RawMessage `json:"summary"`
	// Notes are free-form remarks for the report, one sentence each (a dataset that
	// was replaced by a smaller one, a tolerance that was relaxed, ...).
	Notes []string `json:"notes,omitempty"`
	// Shard is set in the manifest of one shard of a sharded run (shards/<i>/), and
	// nil everywhere else, merged folders included.
	Shard *Shard `json:"shard,omitempty"`
}

// Shard says which part of a sharded run a folder holds: the units u of the run's
// Units with u mod Count == Index, run from the base seed Seed.
type Shard struct {
	Index int    `json:"index"`
	Count int    `json:"count"`
	Units int    `json:"units"`
	Seed  uint64 `json:"seed"`
}

// Dataset describes the data a run used; Train and Test count examples. A run on
// several datasets (1-2's tasks) describes the first in Name, Source, Train and Test,
// and every one of them in Parts.
type Dataset struct {
	Name   string    `json:"name"`
	Source string    `json:"source"`
	Train  int       `json:"train"`
	Test   int       `json:"test"`
	Parts  []Dataset `json:"parts,omitempty"`
}

// negativeSize reports whether d or one of its parts has a negative size.
func (d Dataset) negativeSize() bool {
	if d.Train < 0 || d.Test < 0 {
		return true
	}
	for _, p := range d.Parts {
		if p.negativeSize() {
			return true
		}
	}
	return false
}

// TensorFlow names the TensorFlow library a run used.
type TensorFlow struct {
	Version string `json:"version"`
	Library string `json:"library"`
}

// Validate checks the manifest and returns an error naming the first bad field. A valid
// manifest has a known schema version (or none), a problem, a known status, no error message when the status is ok and
// one when it is failed, a start time, an end time not before the start once the run
// is over, and non-negative counts and wall time.
func (m *Manifest) Validate() error {
	switch {
	case m.SchemaVersion != 0 && (m.SchemaVersion < 1 || m.SchemaVersion > SchemaVersion):
		return fmt.Errorf("schema_version: %d is not a version from 1 to %d", m.SchemaVersion, SchemaVersion)
	case m.Problem == "":
		return errors.New("problem: empty")
	case m.Status != StatusRunning && m.Status != StatusOK && m.Status != StatusFailed && m.Status != StatusInterrupted:
		return fmt.Errorf("status: unknown status %q", m.Status)
	case m.Status == StatusOK && m.Error != "":
		return errors.New("error: set although status is ok")
	case m.Status == StatusFailed && m.Error == "":
		return errors.New("error: empty although status is failed")
	case m.Start.IsZero():
		return errors.New("start: missing")
	case m.Status != StatusRunning && m.End.IsZero():
		return fmt.Errorf("end: missing although status is %s", m.Status)
	case !m.End.IsZero() && m.End.Before(m.Start):
		return errors.New("end: before start")
	case math.IsNaN(m.WallSecs) || math.IsInf(m.WallSecs, 0) || m.WallSecs < 0:
		return fmt.Errorf("wall_seconds: %v is not a finite non-negative number", m.WallSecs)
	case m.Threads < 0:
		return fmt.Errorf("threads: negative (%d)", m.Threads)
	case m.Dataset.negativeSize():
		return fmt.Errorf("dataset: negative size (train %d, test %d, or in a part)", m.Dataset.Train, m.Dataset.Test)
	case !summaryIsObject(m.Summary):
		return errors.New("summary: not a JSON object")
	case m.Shard != nil && (m.Shard.Count < 1 || m.Shard.Index < 0 || m.Shard.Index >= m.Shard.Count || m.Shard.Units < 0):
		return fmt.Errorf("shard: %d of %d (%d units) is not a shard", m.Shard.Index, m.Shard.Count, m.Shard.Units)
	}
	return nil
}

// summaryIsObject reports whether a summary is absent, null or a JSON object.
func summaryIsObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null" || t[0] == '{'
}

type alias Manifest

// UnmarshalJSON implements json.Unmarshaler. It rejects unknown fields.
func (m *Manifest) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode((*alias)(m))
}

// WriteManifest sets m's schema version to SchemaVersion, validates m and writes it to
// path atomically (WriteFileAtomic): readers see either the old manifest or the new
// one, never a mixture.
func WriteManifest(path string, m *Manifest) error {
	m.SchemaVersion = SchemaVersion
	if err := m.Validate(); err != nil {
		return fmt.Errorf("records: %s: %w", path, err)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("records: %s: %w", path, err)
	}
	return WriteFileAtomic(path, append(data, '\n'))
}

// ReadManifest reads and validates the manifest at path. See ParseManifest.
func ReadManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	return parseManifest(data, path)
}

// ParseManifest reads and validates a manifest from r; name is used in error messages.
// The manifest must be one JSON object with no unknown fields and no trailing data, and
// must pass Validate. A manifest without schema_version is one of version 1.
func ParseManifest(r io.Reader, name string) (*Manifest, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("records: %s: %w", name, err)
	}
	return parseManifest(data, name)
}

func parseManifest(data []byte, name string) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			err = ErrEmpty
		}
		return nil, fmt.Errorf("records: %s: %w", name, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("records: %s: data after the JSON object", name)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("records: %s: %w", name, err)
	}
	if m.SchemaVersion == 0 {
		m.SchemaVersion = 1 // written before the field existed
	}
	return &m, nil
}

// SummaryKeys returns the keys of a flat summary in sorted order (none for a typed
// summary).
func (m *Manifest) SummaryKeys() []string {
	flat := m.Flat()
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
