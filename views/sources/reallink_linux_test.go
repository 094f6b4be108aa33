//go:build linux

package sources

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// BenchmarkRealLink runs the built binary against `dsbrowse demo-server
// --latency 150ms` (a separate process) with 100,000 sources: the TUI in a
// pseudo-terminal, and `ls --json` and `ls` into a pipe. Each runs with
// dsbrowse's paging (the shared loader with its defaults: a first page of
// 100, later pages up to 1,000, concurrency following the latency up to
// 4) and with the paging it had before, kept behind the profile's
// fixed_paging (pages of 100, 4 in flight), one after the other in the
// same run.
//
//	first-row-ms   exec to the first data row: on the terminal (TUI), on
//	               stdout (ls)
//	all-loaded-s   exec to the header reading "N of N loaded" (TUI), to
//	               exit (ls)
//	requests       GET /dataSource requests the load sent (the binary
//	               notes it in DSBROWSE_TRACE)
//	rss-MB         TUI: resident when fully loaded; ls: peak (maxrss)
//	rss-settled-MB TUI: resident two seconds later
//	x-faster       all-loaded of fixed paging over this one (adaptive only)
//
// The jitter case adds --jitter 50ms (each request 100-200 ms);
// adaptive-conc8 is the TUI with a profile's concurrency = 8.
//
// BENCH_REAL_LINK_FIXED=0 leaves out the fixed-paging runs (about 40 s
// each).
func BenchmarkRealLink(b *testing.B) {
	env := needProcess(b)
	const n = 100_000
	for _, link := range []struct {
		name  string
		flags []string
	}{
		{"latency=150ms", []string{"--latency", "150ms"}},
		{"latency=150ms±50ms", []string{"--latency", "150ms", "--jitter", "50ms"}},
	} {
		b.Run("rows=100k/"+link.name, func(b *testing.B) {
			srv := startDemoServer(b, env, n, link.flags...)
			jitter := len(link.flags) > 2
			for _, what := range []string{"tui", "ls-json", "ls"} {
				fixedAll := time.Duration(0)
				for _, paging := range []string{"fixed", "adaptive", "adaptive-conc8"} {
					if paging == "fixed" && (jitter || what == "ls" || os.Getenv("BENCH_REAL_LINK_FIXED") == "0") {
						continue
					}
					if paging == "adaptive-conc8" && (jitter || what != "tui") {
						continue
					}
					settings := "" // dsbrowse's defaults
					switch paging {
					case "fixed":
						settings = "page_size = 100\nconcurrency = 4\nfixed_paging = true\n"
					case "adaptive-conc8":
						settings = "concurrency = 8\n"
					}
					b.Run(what+"/"+paging, func(b *testing.B) {
						var r linkRun
						for b.Loop() {
							cfg := benchConfig(b, env, srv, settings)
							if what == "tui" {
								r = runTUILink(b, env, srv, cfg)
							} else {
								args := []string{"ls"}
								if what == "ls-json" {
									args = append(args, "--json")
								}
								r = runLsLink(b, env, srv, cfg, args...)
							}
						}
						b.ReportMetric(ms(r.first), "first-row-ms")
						b.ReportMetric(r.all.Seconds(), "all-loaded-s")
						b.ReportMetric(float64(r.requests), "requests")
						b.ReportMetric(float64(r.rss)/(1<<20), "rss-MB")
						if what == "tui" {
							b.ReportMetric(float64(r.settled)/(1<<20), "rss-settled-MB")
						}
						if paging == "fixed" {
							fixedAll = r.all
						} else if fixedAll > 0 {
							b.ReportMetric(fixedAll.Seconds()/r.all.Seconds(), "x-faster")
						}
					})
				}
			}
		})
	}
}

// linkRun is one run's figures.
type linkRun struct {
	first, all time.Duration
	requests   int
	rss        int64
	settled    int64 // TUI: resident two seconds after
}

func traceFile(b *testing.B) string {
	return filepath.Join(b.TempDir(), "trace")
}

// traceValue reads a value the binary noted in its trace file.
func traceValue(b *testing.B, file, name string) int64 {
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatalf("trace: %v", err)
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Fatalf("trace has no %s:\n%s", name, data)
	return 0
}

func runTUILink(b *testing.B, env procEnv, srv *demoServer, cfg string) linkRun {
	tf := traceFile(b)
	r := runTUIConfig(b, env, srv, cfg, []string{"DSBROWSE_TRACE=" + tf}, false)
	return linkRun{first: r.firstScreen, all: r.fullLoad, requests: int(traceValue(b, tf, "requests")), rss: r.rss, settled: r.rssSettled}
}

// runLsLink runs a listing command into a pipe and times its first byte
// and its exit.
func runLsLink(b *testing.B, env procEnv, srv *demoServer, cfg string, args ...string) linkRun {
	tf := traceFile(b)
	cmd := exec.Command(env.bin, append([]string{"--config", cfg, "--profile", "bench"}, args...)...)
	cmd.Env = []string{"HOME=" + env.dir, "PATH=" + os.Getenv("PATH"), "BENCH_KEY=" + immutatest.DefaultKey, "DSBROWSE_TRACE=" + tf}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	var r linkRun
	buf := make([]byte, 256<<10)
	var lines int
	for {
		n, err := out.Read(buf)
		if n > 0 && r.first == 0 {
			r.first = time.Since(start)
		}
		lines += bytes.Count(buf[:n], []byte("\n"))
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		b.Fatalf("%v: %v\n%s", args, err, stderr.String())
	}
	r.all = time.Since(start)
	if lines < srv.total {
		b.Fatalf("%v printed %d lines for %d sources", args, lines, srv.total)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rss = ru.Maxrss << 10
	}
	r.requests = int(traceValue(b, tf, "requests"))
	return r
}

// BenchmarkLoadRealLink is the UI goroutine's side of a 100k load over a
// 150 ms link: the list and the real apiclient in this process, against
// `dsbrowse demo-server --latency 150ms` in another, each message through
// Update and a frame (the list's View), as BenchmarkLoad does, beside the
// fixed paging of before.
//
//	max-ui-cpu-ms  the most CPU one message took on the UI goroutine
//	               (Update and View; its thread's CPU clock): the work a
//	               keystroke could wait behind. The target is 8 ms.
//	p99-ui-cpu-ms  the same, 99th percentile
//	max-ui-ms      the same on the wall clock: it adds whatever else the
//	               machine ran meanwhile (the decoding goroutines, other
//	               processes), so it is only as good as the machine is quiet
func BenchmarkLoadRealLink(b *testing.B) {
	env := needProcess(b)
	srv := startDemoServer(b, env, 100_000, "--latency", "150ms")
	for _, fixed := range []bool{true, false} {
		name := "adaptive"
		if fixed {
			name = "fixed"
		}
		b.Run(fmt.Sprintf("rows=100k/latency=150ms/%s", name), func(b *testing.B) {
			client, err := apiclient.New(srv.url, immutatest.DefaultKey)
			if err != nil {
				b.Fatal(err)
			}
			runtime.LockOSThread() // the loop's thread is the UI's: its CPU clock is the UI's
			defer runtime.UnlockOSThread()
			var ui, cpu durations
			var frames int
			var elapsed time.Duration
			for b.Loop() {
				sess := viewtest.Context(client)
				sess.PageSize, sess.Concurrency, sess.FixedPaging = 100, 4, fixed
				m := New(sess)
				m.SetSize(200, 60)
				l := newLoop(m)
				l.cpuClock = threadCPU
				start := time.Now()
				l.start(m.Init())
				l.run(func() bool { return fullyLoaded(m) })
				elapsed = time.Since(start)
				if l.err != nil || m.all.loaded() != srv.total {
					b.Fatalf("loaded %d of %d: %v", m.all.loaded(), srv.total, l.err)
				}
				ui = append(ui, l.ui...)
				cpu = append(cpu, l.uiCPU...)
				frames += l.frames
				m.Close()
			}
			b.ReportMetric(elapsed.Seconds(), "all-loaded-s")
			b.ReportMetric(float64(frames)/float64(b.N), "msgs/load")
			b.ReportMetric(ms(cpu.pct(0.99)), "p99-ui-cpu-ms")
			b.ReportMetric(ms(cpu.pct(1)), "max-ui-cpu-ms")
			b.ReportMetric(ms(ui.pct(1)), "max-ui-ms")
		})
	}
}

// threadCPU is the CPU time of the calling thread.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTimeID = 3
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
