package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSlurmArraySweep runs a small 2-2 sweep on a real Slurm: a one-node cluster on
// localhost (Debian's slurm-wlm and munge, make test-deps installs them) with its own
// configuration, state and munge key in a temporary folder. It submits the recipe
// (scripts/slurm/submit.sh: an array of 4 tasks and the dependent merge job), waits for
// both, and compares the merged records with an unsharded run of the same settings.
// slurmd runs jobs as any user only as root, which CI is.
func TestSlurmArraySweep(t *testing.T) {
	longTest(t)
	start := time.Now()
	c := startSlurm(t)
	t.Logf("Slurm up in %v", time.Since(start).Round(time.Millisecond))

	const shards = 4
	out := filepath.Join(c.dir, "results")
	// One CPU per task: the node has as many as the machine, so that on two cores two
	// tasks run at once; hw1-array.sbatch gives hw1 --threads $SLURM_CPUS_PER_TASK.
	submit := exec.Command("bash", append([]string{"scripts/slurm/submit.sh", "2-2", strconv.Itoa(shards), out}, sweep22Sets...)...)
	submit.Env = append(c.env(), "HW1="+hw1Bin, "HW1_SBATCH_ARGS=--cpus-per-task=1")
	msg, err := submit.CombinedOutput()
	if err != nil {
		t.Fatalf("submit.sh: %v\n%s", err, msg)
	}
	ids := regexp.MustCompile(`(?m)^(array|merge) (\d+)$`).FindAllStringSubmatch(string(msg), -1)
	if len(ids) != 2 || ids[0][1] != "array" || ids[1][1] != "merge" {
		t.Fatalf("submit.sh printed %q, want the lines \"array <id>\" and \"merge <id>\"", msg)
	}
	array, merge := ids[0][2], ids[1][2]
	submitted := time.Now()

	// The unsharded run goes on meanwhile, in the time Slurm leaves the machine idle.
	type result struct {
		dir string
		err error
	}
	refDone := make(chan result, 1)
	go func() {
		dir, err := runUnsharded22()
		refDone <- result{dir, err}
	}()

	deadline := submitted.Add(150 * time.Second)
	if state := c.waitJob(t, merge, deadline); state != "COMPLETED" {
		t.Errorf("merge job %s ended %s; array job %s: %s", merge, state, array, c.jobStates(array))
		c.logs(t, out)
		<-refDone
		t.FailNow()
	}
	t.Logf("array of %d tasks and merge job done %v after submission", shards, time.Since(submitted).Round(time.Millisecond))
	if states := c.jobStates(array); strings.Count(states, "COMPLETED") != shards {
		t.Errorf("array job %s: task states %s, want %d COMPLETED", array, states, shards)
	}
	ref := <-refDone
	if ref.err != nil {
		t.Fatal(ref.err)
	}
	checkShardFolders(t, out, shards)
	checkMergedLikeUnsharded(t, out, ref.dir)
	checkPlotAndReport(t, out)
	t.Logf("TestSlurmArraySweep took %v in all", time.Since(start).Round(time.Millisecond))
}

// slurmCluster is a one-node Slurm cluster on localhost that a test started: munged,
// slurmctld and slurmd run as its child processes, with everything they write in dir.
type slurmCluster struct {
	dir     string
	conf    string
	daemons []*daemon
}

// daemon is a process the test started; exited is closed once it has exited.
type daemon struct {
	name   string
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
}

// slurmTools are the programs the Slurm test runs.
var slurmTools = []string{"munged", "slurmctld", "slurmd", "sbatch", "scontrol", "sinfo", "scancel"}

// startSlurm writes the configuration of a one-node cluster, starts its daemons and
// waits until the node takes jobs. The cluster is stopped when t ends.
func startSlurm(t *testing.T) *slurmCluster {
	t.Helper()
	for _, tool := range slurmTools {
		if _, err := exec.LookPath(tool); err != nil {
			missingDependency(t, tool+" (Debian's slurm-wlm and munge)")
		}
	}
	if os.Geteuid() != 0 {
		missingDependency(t, "root (slurmd runs jobs as any user only as root)")
	}
	// Not t.TempDir: munge's socket path must stay short (a Unix socket's path has at
	// most 107 bytes), and test names make long folder names.
	dir, err := os.MkdirTemp("", "hw1-slurm")
	if err != nil {
		t.Fatal(err)
	}
	c := &slurmCluster{dir: dir, conf: filepath.Join(dir, "slurm.conf")}
	t.Cleanup(func() {
		c.stop(t)
		os.RemoveAll(dir)
	})
	for _, sub := range []string{"munge", "state", "spool", "log"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// A key of the cluster's own: munge only checks that both ends share it.
	key := make([]byte, 1024)
	rand.Read(key)
	if err := os.WriteFile(filepath.Join(dir, "munge", "munge.key"), key, 0o400); err != nil {
		t.Fatal(err)
	}
	conf, err := slurmConf(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plugstack.conf"), nil, 0o644); err != nil {
		t.Fatal(err)
	}

	m := filepath.Join(dir, "munge")
	c.start(t, "munged", "--foreground", "--force", "--socket="+filepath.Join(m, "munge.socket"),
		"--key-file="+filepath.Join(m, "munge.key"), "--log-file="+filepath.Join(m, "munged.log"),
		"--pid-file="+filepath.Join(m, "munged.pid"), "--seed-file="+filepath.Join(m, "munged.seed"))
	c.waitFor(t, 20*time.Second, "munged's socket", func() bool {
		_, err := os.Stat(filepath.Join(m, "munge.socket"))
		return err == nil
	})
	c.start(t, "slurmctld", "-D", "-i", "-f", c.conf)
	c.start(t, "slurmd", "-D", "-f", c.conf, "-N", slurmNode())
	c.waitFor(t, 60*time.Second, "slurmctld to answer and the node to be idle", func() bool {
		ping, err := c.command("scontrol", "ping").Output()
		if err != nil || !bytes.Contains(ping, []byte("is UP")) {
			return false
		}
		state, err := c.command("sinfo", "-h", "-N", "-o", "%T").Output()
		return err == nil && strings.TrimSpace(string(state)) == "idle"
	})
	return c
}

// slurmNode is the name of the cluster's one node: this machine's short host name,
// which slurmctld must find in SlurmctldHost.
func slurmNode() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return strings.SplitN(h, ".", 2)[0]
}

// slurmConf returns the slurm.conf of a one-node cluster on localhost with its files
// in dir: no cgroups (processes tracked through /proc, no task plugin), no accounting,
// two free ports, and a scheduler that looks at the queue every second so that the
// dependent job starts as soon as the array is done. The node has the machine's CPUs
// and memory.
func slurmConf(dir string) (string, error) {
	ports := make([]int, 2)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", fmt.Errorf("a free port: %w", err)
		}
		ports[i] = l.Addr().(*net.TCPAddr).Port
		defer l.Close()
	}
	mem := 1024
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil && kb/1024 > mem {
			mem = kb / 1024
		}
	}
	node := slurmNode()
	p := func(name string) string { return filepath.Join(dir, name) }
	return fmt.Sprintf(`ClusterName=hw1test
SlurmctldHost=%[1]s(127.0.0.1)
SlurmctldPort=%[2]d
SlurmdPort=%[3]d
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%[4]s
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MinJobAge=3600
ReturnToService=2
SlurmdParameters=config_overrides
PlugStackConfig=%[5]s
StateSaveLocation=%[6]s
SlurmdSpoolDir=%[7]s
SlurmctldPidFile=%[8]s
SlurmdPidFile=%[9]s
SlurmctldLogFile=%[10]s
SlurmdLogFile=%[11]s
NodeName=%[1]s NodeAddr=127.0.0.1 CPUs=%[12]d RealMemory=%[13]d State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`, node, ports[0], ports[1], p("munge/munge.socket"), p("plugstack.conf"), p("state"), p("spool"),
		p("slurmctld.pid"), p("slurmd.pid"), p("log/slurmctld.log"), p("log/slurmd.log"),
		runtime.NumCPU(), mem), nil
}

// env returns the environment of Slurm's commands: this process's, without the
// variables of a Slurm job this test may itself run in, and with SLURM_CONF.
func (c *slurmCluster) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLURM_") && !strings.HasPrefix(kv, "SBATCH_") {
			env = append(env, kv)
		}
	}
	return append(env, "SLURM_CONF="+c.conf)
}

// command returns a Slurm command that talks to this cluster.
func (c *slurmCluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = c.env()
	return cmd
}

// start starts a daemon in the foreground as a child process, its output in dir/log.
func (c *slurmCluster) start(t *testing.T, name string, args ...string) {
	t.Helper()
	d := &daemon{name: name, cmd: c.command(name, args...), log: filepath.Join(c.dir, "log", name+".out"),
		exited: make(chan struct{})}
	log, err := os.Create(d.log)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	d.cmd.Stdout, d.cmd.Stderr = log, log
	// Its own process group: a ^C to the test reaches the test, which stops it. Should
	// the test die without its cleanup (a timeout's panic), the daemon gets SIGTERM.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { d.cmd.Wait(); close(d.exited) }()
	c.daemons = append(c.daemons, d)
}

// dead returns a description of a daemon that has exited, with its log, or "".
func (c *slurmCluster) dead() string {
	for _, d := range c.daemons {
		select {
		case <-d.exited:
			b, _ := os.ReadFile(d.log)
			return fmt.Sprintf("%s exited (%s):\n%s", d.name, d.cmd.ProcessState, b)
		default:
		}
	}
	return ""
}

// waitFor polls cond every 100 ms until it holds, failing t after timeout or as soon
// as one of the daemons has exited.
func (c *slurmCluster) waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if msg := c.dead(); msg != "" {
			t.Fatalf("waiting for %s: %s", what, msg)
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop cancels the cluster's jobs and stops its daemons, the last started first, each
// with SIGTERM (their own way to shut down), then SIGKILL if it has not exited within
// 20 s. It signals only the processes it started.
func (c *slurmCluster) stop(t *testing.T) {
	if len(c.daemons) == 3 {
		c.command("scancel", "--full", "--user", "root").Run()
	}
	for i := len(c.daemons) - 1; i >= 0; i-- {
		d := c.daemons[i]
		d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(20 * time.Second):
			t.Logf("%s did not stop within 20 s of SIGTERM: killed", d.name)
			d.cmd.Process.Kill()
			<-d.exited
		}
	}
}

// jobStates returns the states of a job's tasks, one per task, as scontrol shows them.
func (c *slurmCluster) jobStates(id string) string {
	b, err := c.command("scontrol", "show", "job", "-o", id).Output()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	var states []string
	for _, m := range regexp.MustCompile(`JobState=(\S+)`).FindAllSubmatch(b, -1) {
		states = append(states, string(m[1]))
	}
	return strings.Join(states, " ")
}

// slurmEnded are the states of a job that has ended.
var slurmEnded = map[string]bool{"COMPLETED": true, "FAILED": true, "CANCELLED": true, "TIMEOUT": true,
	"NODE_FAIL": true, "PREEMPTED": true, "BOOT_FAIL": true, "DEADLINE": true, "OUT_OF_MEMORY": true}

// waitJob waits until the job has ended, or the deadline, and returns its state.
func (c *slurmCluster) waitJob(t *testing.T, id string, deadline time.Time) string {
	t.Helper()
	var state string
	for time.Now().Before(deadline) {
		state = c.jobStates(id)
		if slurmEnded[state] {
			return state
		}
		if msg := c.dead(); msg != "" {
			return "unknown: " + msg
		}
		time.Sleep(250 * time.Millisecond)
	}
	return "not ended by the deadline (" + state + ")"
}

// logs writes the jobs' output and the daemons' logs to the test log.
func (c *slurmCluster) logs(t *testing.T, out string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(out, "slurm", "*.out"))
	more, _ := filepath.Glob(filepath.Join(c.dir, "log", "*"))
	for _, f := range append(files, more...) {
		b, _ := os.ReadFile(f)
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		t.Logf("%s:\n%s", f, b)
	}
}
