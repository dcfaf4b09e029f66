package problems

import (
	"fmt"
	"path/filepath"
	"strconv"

	"hw1/problems/records"
)

// Unit is one independent part of a problem's run: a training, or a training and the
// analysis of its model. Index is its place in the problem's list of units, Name the
// run its rows belong to, and Seed the seed it trains from, fixed by the index and the
// base seed (never by the order in which units run).
type Unit struct {
	Index int
	Name  string
	Seed  uint64
}

// Shard selects part of a run's units: unit u belongs to shard Index of Count when
// u mod Count == Index. The zero value (Count 0) is the whole run.
type Shard struct {
	Index, Count int
}

// Sharded reports whether s is one shard of a run rather than the whole run.
func (s Shard) Sharded() bool { return s.Count > 0 }

// Has reports whether unit u belongs to s.
func (s Shard) Has(u int) bool { return s.Count == 0 || u%s.Count == s.Index }

// Check returns an error unless s is the whole run or a shard 0 <= Index < Count.
func (s Shard) Check() error {
	if s.Count == 0 && s.Index == 0 || s.Count > 0 && s.Index >= 0 && s.Index < s.Count {
		return nil
	}
	return fmt.Errorf("problems: shard %d of %d: want 0 <= i < n", s.Index, s.Count)
}

// String returns "i/n", or "all" for the whole run.
func (s Shard) String() string {
	if !s.Sharded() {
		return "all"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// ShardDir returns the folder of shard i of the problem whose output folder is dir:
// dir/shards/<i>.
func ShardDir(dir string, i int) string {
	return filepath.Join(dir, records.ShardsDir, strconv.Itoa(i))
}

// Units returns the units of p for env's profile, base seed and settings, in index
// order.
func Units(p Problem, env *Env) ([]Unit, error) {
	if p.Units == nil {
		return nil, fmt.Errorf("problems: %s lists no units", p.Name)
	}
	return p.Units(env)
}

// unitsOf loads a problem's settings from env (without recording them anywhere) and
// lists its units with list.
func unitsOf[T any](defaults func(Profile) any, list func(s *T, base uint64) []Unit) func(env *Env) ([]Unit, error) {
	return func(env *Env) ([]Unit, error) {
		s, err := settingsFor[T](env, defaults)
		if err != nil {
			return nil, err
		}
		return list(s, env.Seed), nil
	}
}
