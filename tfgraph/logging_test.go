package tfgraph

import (
	"slices"
	"testing"
)

func TestStartEnv(t *testing.T) {
	cases := []struct {
		name    string
		environ []string
		args    []string
		want    []string // the variables that must be in the result
		changed bool
	}{
		{"fresh start", []string{"HOME=/root"}, []string{"list"},
			[]string{"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=1"}, true},
		{"re-executed", []string{"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=1"}, []string{"list"},
			[]string{"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=1"}, false},
		{"user turned oneDNN off", []string{"TF_ENABLE_ONEDNN_OPTS=0"}, []string{"run", "1-1"},
			[]string{"TF_ENABLE_ONEDNN_OPTS=0", "TF_CPP_MIN_LOG_LEVEL=1"}, true},
		{"user log level kept", []string{"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=2"}, []string{"list"},
			[]string{"TF_CPP_MIN_LOG_LEVEL=2"}, false},
		{"--verbose", []string{"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=1"}, []string{"run", "1-1", "--verbose"},
			[]string{"TF_CPP_MIN_LOG_LEVEL=0"}, true},
		{"--verbose re-executed", []string{"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=0"}, []string{"--verbose", "list"},
			[]string{"TF_CPP_MIN_LOG_LEVEL=0"}, false},
		{"--verbose=false", []string{"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=1"}, []string{"list", "--verbose=false"},
			[]string{"TF_CPP_MIN_LOG_LEVEL=1"}, false},
		{"HW1_VERBOSE", []string{"HW1_VERBOSE=true"}, []string{"list"},
			[]string{"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=0"}, true},
		{"--verbose after --", []string{"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=1"}, []string{"run", "--", "--verbose"},
			[]string{"TF_CPP_MIN_LOG_LEVEL=1"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env, changed := startEnv(c.environ, c.args)
			// The C copy that runs before TensorFlow loads (preinit.c) must agree.
			if cenv, cchanged := preinitEnv(c.environ, c.args); cchanged != changed || !slices.Equal(cenv, env) {
				t.Errorf("preinit: %v (changed %v), startEnv: %v (changed %v)", cenv, cchanged, env, changed)
			}
			if changed != c.changed {
				t.Errorf("changed %v, want %v", changed, c.changed)
			}
			for _, kv := range c.want {
				if !slices.Contains(env, kv) {
					t.Errorf("environment %v lacks %s", env, kv)
				}
			}
			if n := len(slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return len(kv) < 21 || kv[:21] != "TF_CPP_MIN_LOG_LEVEL=" })); n != 1 {
				t.Errorf("environment %v sets TF_CPP_MIN_LOG_LEVEL %d times, want once", env, n)
			}
		})
	}
}
