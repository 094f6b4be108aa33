package cli

// BenchmarkLsRealLink: `ls --json` against the emulator with a 150 ms link,
// streamed (today) beside the sequential loop it replaced, each in its own
// process so that its peak RSS is its own:
//
//	go test ./ui/cli/ -run '^$' -bench BenchmarkLsRealLink -benchtime 1x
//
// The sequential loop lives in the test binary only (lsSequentialCommand);
// the test binary runs it as a helper process, and runs the streamed ls the
// same way so that both carry the same process overhead. The built dsbrowse
// binary runs the streamed ls as well, as users get it. Sequential at 100k
// takes minutes: it runs at 20k unless DSBROWSE_BENCH_SEQ_100K=1.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

const benchHelperEnv = "DSBROWSE_LS_BENCH_ARGS"

// TestLsBenchHelper is the helper process of BenchmarkLsRealLink: it runs
// Main with the arguments in $DSBROWSE_LS_BENCH_ARGS on the real stdout,
// telling the parent on fd 3 when it starts and its peak RSS at the end.
func TestLsBenchHelper(t *testing.T) {
	args := os.Getenv(benchHelperEnv)
	if args == "" {
		t.Skip("the helper process of BenchmarkLsRealLink")
	}
	withSequential(t)
	report := os.NewFile(3, "report")
	fmt.Fprintln(report, "start")
	code := Main(context.Background(), strings.Fields(args), IO{In: strings.NewReader(""), Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv}, nil)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Fprintf(report, "hwm %d\n", vmHWM())
	fmt.Fprintf(report, "cpu %d\n", time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
	os.Exit(code)
}

// vmHWM is this process's peak resident set, in kB.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return -1
}

type lsRun struct {
	firstByte, total time.Duration
	bytes            int64
	requests         int
	rssMB            float64
	cpu              time.Duration // user + system, of the listing process
}

// runLs runs one listing in a child process and measures it from the
// moment the child starts listing (helper) or is started (binary).
func runLs(b *testing.B, srv *immutatest.Server, helper bool, args string) lsRun {
	b.Helper()
	home := b.TempDir()
	var cmd *exec.Cmd
	if helper {
		cmd = exec.Command(os.Args[0], "-test.run=^TestLsBenchHelper$", "-test.count=1")
	} else {
		cmd = exec.Command(binary, strings.Fields(args)...)
	}
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"IMMUTA_URL=" + srv.URL, "IMMUTA_API_KEY=" + srv.Handler.Key(), benchHelperEnv + "=" + args}
	if helper {
		// The helper's TestMain builds dsbrowse: from the usual build cache
		// (the temporary HOME would start an empty one), before the clock.
		cmd.Env = append(cmd.Env, goEnv(b)...)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	rd, wr, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{wr}
	srv.Handler.ResetLog()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	_ = wr.Close()
	report := bufio.NewScanner(rd)
	if helper {
		// The test binary's own start (TestMain builds dsbrowse) is not
		// the listing's: the clock starts when the helper calls Main.
		if !report.Scan() || report.Text() != "start" {
			b.Fatalf("helper did not start: %s", stderr.String())
		}
		start = time.Now()
	}
	var r lsRun
	buf := make([]byte, 256<<10)
	var tail []byte
	for {
		n, err := out.Read(buf)
		if n > 0 {
			if r.bytes == 0 {
				r.firstByte = time.Since(start)
			}
			r.bytes += int64(n)
			tail = append(tail[:0], buf[max(0, n-16):n]...)
		}
		if err == io.EOF {
			break
		} else if err != nil {
			b.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		b.Fatalf("%s: %v\n%s", args, err, stderr.String())
	}
	r.total = time.Since(start)
	if strings.Contains(args, "--json") && !bytes.HasSuffix(tail, []byte("]\n")) {
		b.Fatalf("%s: output does not end an array: %q", args, tail)
	}
	if helper {
		for report.Scan() {
			if v, ok := strings.CutPrefix(report.Text(), "hwm "); ok {
				kb, _ := strconv.ParseInt(v, 10, 64)
				r.rssMB = float64(kb) / 1024
			}
			if v, ok := strings.CutPrefix(report.Text(), "cpu "); ok {
				ns, _ := strconv.ParseInt(v, 10, 64)
				r.cpu = time.Duration(ns)
			}
		}
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssMB = float64(ru.Maxrss) / 1024 // kB on Linux; dsbrowse starts no children
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	for _, q := range srv.Handler.Requests() {
		if q.Method == http.MethodGet && q.Path == "/dataSource" {
			r.requests++
		}
	}
	return r
}

// goEnv is GOCACHE, GOMODCACHE and GOPATH as the go command sees them.
func goEnv(b *testing.B) []string {
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		b.Fatalf("go env: %v", err)
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(f) != 3 {
		b.Fatalf("go env: %q", out)
	}
	return []string{"GOCACHE=" + f[0], "GOMODCACHE=" + f[1], "GOPATH=" + f[2]}
}

func BenchmarkLsRealLink(b *testing.B) {
	seq100k := os.Getenv("DSBROWSE_BENCH_SEQ_100K") == "1"
	for _, c := range []struct {
		name    string
		sources int
		helper  bool
		args    string
	}{
		{"streamed/binary/100k", 100_000, false, "ls --json"},
		{"streamed/helper/100k", 100_000, true, "ls --json"},
		{"streamed/helper/20k", 20_000, true, "ls --json"},
		{"sequential/helper/20k", 20_000, true, "ls-sequential --json"},
		{"sequential/helper/100k", 100_000, true, "ls-sequential --json"},
		{"streamed/binary/100k-plain", 100_000, false, "ls"},
	} {
		b.Run(c.name, func(b *testing.B) {
			if c.name == "sequential/helper/100k" && !seq100k {
				b.Skip("minutes long: set DSBROWSE_BENCH_SEQ_100K=1")
			}
			srv := immutatest.NewServer(immutatest.Options{Sources: c.sources - len(immutatest.SeedIDs), Latency: 150 * time.Millisecond})
			b.Cleanup(srv.Close)
			var last lsRun
			for b.Loop() {
				last = runLs(b, srv, c.helper, c.args)
			}
			b.ReportMetric(last.firstByte.Seconds(), "first-byte-s")
			b.ReportMetric(last.total.Seconds(), "total-s")
			b.ReportMetric(float64(last.requests), "requests")
			b.ReportMetric(last.rssMB, "peak-RSS-MB")
			b.ReportMetric(last.cpu.Seconds(), "cpu-s")
			b.ReportMetric(float64(last.bytes)/(1<<20), "out-MB")
		})
	}
}
