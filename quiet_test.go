package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// tfLogLine matches a line of TensorFlow's C++ logger, in its own format
// ("2026-01-02 10:00:00.123456: I tensorflow/core/util/port.cc:113] ...") and in
// absl's ("I0102 10:00:00.123456  1234 port.cc:113] ...").
var tfLogLine = regexp.MustCompile(`(?m)^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] \S+:\d+\]|[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ \S+:\d+\])`)

// tfInfoLine matches an informational line of TensorFlow's logger.
var tfInfoLine = regexp.MustCompile(`(?m)^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: I |I\d{4} )`)

// cleanEnv is this process's environment without the variables that steer
// TensorFlow's logging, which the test binary itself was started with.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "TF_ENABLE_ONEDNN_OPTS", "TF_CPP_MIN_LOG_LEVEL", "TF_CPP_MAX_VLOG_LEVEL", "HW1_VERBOSE":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func TestQuietStderr(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		verbose bool // TensorFlow's informational lines must show
	}{
		{"help", []string{"--help"}, false},
		{"list", []string{"list"}, false},
		{"short 1-1", []string{"run", "1-1", "--set", "epochs=1", "--set", "functions=sinc", "--out", "OUT"}, false},
		{"short 1-1 verbose", []string{"run", "1-1", "--set", "epochs=1", "--set", "functions=sinc", "--out", "OUT", "--verbose"}, true},
		{"list verbose first", []string{"--verbose", "list"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{}, c.args...)
			for i, a := range args {
				if a == "OUT" {
					args[i] = t.TempDir()
				}
			}
			cmd := exec.Command(hw1Bin, args...)
			cmd.Env = cleanEnv()
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = new(bytes.Buffer), &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("hw1 %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
			}
			switch {
			case !c.verbose && tfLogLine.MatchString(stderr.String()):
				t.Errorf("stderr has TensorFlow log lines:\n%s", strings.Join(tfLogLine.FindAllString(stderr.String(), -1), "\n"))
			case c.verbose && !tfInfoLine.MatchString(stderr.String()):
				t.Errorf("--verbose: no informational line of TensorFlow's on stderr:\n%s", stderr.String())
			}
		})
	}
}
