//go:build linux

package sources

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// The process benchmarks measure dsbrowse as a user runs it: the real
// binary, in a terminal (a pseudo-terminal this test owns, 200×60), talking
// over loopback to `dsbrowse demo-server`, a separate process, so the
// server's memory and CPU are not counted as the TUI's. Times come from
// the bytes the TUI writes to its terminal, read as they arrive: no
// polling, no screen scraping by another program.
//
//	first-screen-ms  exec to the first data row written to the terminal
//	full-load-ms     exec to the header reading "N of N loaded"
//	rss-MB, hwm-MB   VmRSS when fully loaded, VmHWM (the peak) of the TUI
//	rss-settled-MB   VmRSS two seconds later
//	tui-cpu-s        CPU time the TUI used until fully loaded
//	server-cpu-s     CPU time the server used meanwhile
//
// BENCH_TUI_ENV adds environment variables to the TUI's, to try runtime
// settings: BENCH_TUI_ENV='GOGC=200 GOMEMLIMIT=120MiB'. BENCH_DSBROWSE_BIN
// runs a binary built elsewhere instead of building this tree, to compare
// two versions.
//
// They need Linux (/dev/ptmx, /proc) and the go command. Without them they
// skip, except under CI=true, where they fail instead.

// procEnv is what a process benchmark runs: the binary, built into the
// benchmark's temporary directory (removed after it), which also holds the
// config file and serves as HOME.
type procEnv struct {
	bin string
	dir string
}

// needProcess builds dsbrowse, or skips (fails under CI=true) when it
// cannot run the program in a pseudo-terminal here.
func needProcess(b *testing.B) procEnv {
	b.Helper()
	if bin := os.Getenv("BENCH_DSBROWSE_BIN"); bin != "" {
		return procEnv{bin: bin, dir: b.TempDir()}
	}
	env, err := buildBinary(b.TempDir())
	if err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatalf("process benchmark cannot run: %v", err)
		}
		b.Skipf("process benchmark skipped: %v", err)
	}
	return env
}

func buildBinary(dir string) (procEnv, error) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		return procEnv{}, fmt.Errorf("no pseudo-terminals: %v", err)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return procEnv{}, errors.New("the go command is not on PATH")
	}
	root, err := repoRoot()
	if err != nil {
		return procEnv{}, err
	}
	bin := filepath.Join(dir, "dsbrowse")
	cmd := exec.Command(gobin, "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return procEnv{}, fmt.Errorf("go build: %v\n%s", err, out)
	}
	return procEnv{bin: bin, dir: dir}, nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("go.mod not found above the package")
		}
		dir = up
	}
}

// demoServer is `dsbrowse demo-server` running as its own process.
type demoServer struct {
	cmd   *exec.Cmd
	url   string
	total int    // sources it serves
	first string // the first name in name order: the top row of the list
}

func startDemoServer(b *testing.B, env procEnv, n int, flags ...string) *demoServer {
	b.Helper()
	cmd := exec.Command(env.bin, append([]string{"demo-server", "--sources", strconv.Itoa(n), "--addr", "127.0.0.1:0"}, flags...)...)
	cmd.Env = []string{"HOME=" + env.dir, "PATH=" + os.Getenv("PATH")}
	// Killed with this test, however it ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &demoServer{cmd: cmd}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("demo-server: %v", err)
	}
	// export IMMUTA_URL=http://127.0.0.1:PORT IMMUTA_API_KEY=demo-key
	for _, f := range strings.Fields(line) {
		if u, ok := strings.CutPrefix(f, "IMMUTA_URL="); ok {
			s.url = u
		}
	}
	if s.url == "" {
		b.Fatalf("demo-server printed %q", line)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	// Ask for the first page once: the server sorts by name on the first
	// request (a real tenant has an index), and it tells the top row.
	req, _ := http.NewRequest(http.MethodGet, s.url+"/dataSource?size=1&sortField=name&sortOrder=asc", nil)
	req.Header.Set("Authorization", "Bearer "+immutatest.DefaultKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Count int `json:"count"`
		Hits  []struct {
			Name string `json:"name"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || len(page.Hits) == 0 {
		b.Fatalf("demo-server first page: %v", err)
	}
	s.total, s.first = page.Count, page.Hits[0].Name
	return s
}

// tuiRun is one run of the TUI and what was seen of it.
type tuiRun struct {
	firstScreen, fullLoad       time.Duration
	rss, hwm, rssSettled        int64 // bytes
	tuiCPU, serverCPU           time.Duration
	sawFirstScreen, sawFullLoad bool
}

// runTUI starts the TUI against srv in a 200×60 pseudo-terminal and waits
// for the first screen, and for the full load unless firstOnly.
func runTUI(b *testing.B, env procEnv, srv *demoServer, pageSize, conc int, firstOnly bool) tuiRun {
	b.Helper()
	return runTUIConfig(b, env, srv, benchConfig(b, env, srv, fmt.Sprintf("page_size = %d\nconcurrency = %d\n", pageSize, conc)), nil, firstOnly)
}

// benchConfig writes a config file with one profile, bench, for srv, with
// settings (TOML lines) added to it, and returns its path.
func benchConfig(b *testing.B, env procEnv, srv *demoServer, settings string) string {
	b.Helper()
	f, err := os.CreateTemp(env.dir, "config-*.toml")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	body := fmt.Sprintf("[profiles.bench]\nurl = %q\napi_key_env = \"BENCH_KEY\"\n%s\n[theme]\nmode = \"dark\"\n", srv.url, settings)
	if _, err := f.WriteString(body); err != nil {
		b.Fatal(err)
	}
	return f.Name()
}

// runTUIConfig is runTUI with a config file of its own and environment
// variables added.
func runTUIConfig(b *testing.B, env procEnv, srv *demoServer, cfg string, extraEnv []string, firstOnly bool) tuiRun {
	b.Helper()
	master, slave, err := openPTY(200, 60)
	if err != nil {
		b.Fatal(err)
	}
	defer master.Close()
	cmd := exec.Command(env.bin, "--config", cfg, "--profile", "bench")
	// The theme mode is fixed: asking the terminal for its background
	// would wait for an answer this pseudo-terminal never gives.
	cmd.Env = []string{"HOME=" + env.dir, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color",
		"COLORTERM=truecolor", "LANG=C.UTF-8", "BENCH_KEY=" + immutatest.DefaultKey}
	// BENCH_TUI_ENV adds settings to try (GOGC=200 GOMEMLIMIT=100MiB).
	cmd.Env = append(cmd.Env, strings.Fields(os.Getenv("BENCH_TUI_ENV"))...)
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0, Pdeathsig: syscall.SIGKILL}

	total := humanCount(srv.total)
	header := []byte(" of " + total + " loaded")
	full := []byte(total + " of " + total + " loaded")
	first := []byte(srv.first)
	firstCh, fullCh := make(chan time.Duration, 1), make(chan time.Duration, 1)
	srvCPU0 := procCPU(srv.cmd.Process.Pid)

	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	slave.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		var tail []byte          // the end of what came before, for text split across reads
		var read, answered int64 // stream offsets: bytes read, queries answered up to
		sawHeader, sawFirst, sawFull := false, false, false
		for {
			n, err := master.Read(buf)
			if n > 0 {
				at := time.Since(start)
				win := append(tail, buf[:n]...)
				answer(master, win, read-int64(len(tail)), &answered)
				read += int64(n)
				sawHeader = sawHeader || bytes.Contains(win, header)
				sawFirst = sawFirst || (sawHeader && bytes.Contains(win, first))
				if sawFirst && !sawFull && len(firstCh) == 0 {
					firstCh <- at
				}
				if !sawFull && bytes.Contains(win, full) {
					sawFull = true
					fullCh <- at
				}
				tail = append(tail[:0], win[max(0, len(win)-256):]...)
			}
			if err != nil {
				return
			}
		}
	}()
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		master.Close()
		<-done
	}()
	var r tuiRun
	timeout := time.After(5 * time.Minute)
	select {
	case r.firstScreen = <-firstCh:
		r.sawFirstScreen = true
	case <-timeout:
		b.Fatal("no first screen within 5 minutes")
	}
	if firstOnly {
		return r
	}
	select {
	case r.fullLoad = <-fullCh:
		r.sawFullLoad = true
	case <-timeout:
		b.Fatal("not fully loaded within 5 minutes")
	}
	pid := cmd.Process.Pid
	r.rss, r.hwm = procMem(pid)
	r.tuiCPU = procCPU(pid)
	r.serverCPU = procCPU(srv.cmd.Process.Pid) - srvCPU0
	time.Sleep(2 * time.Second)
	r.rssSettled, _ = procMem(pid)
	return r
}

// terminalQueries are what the program asks its terminal at start (Bubble
// Tea's init asks for the background colour, with a cursor position report
// after it as the end marker) and what a dark terminal answers. Unanswered,
// each waits out termenv's five-second timeout.
var terminalQueries = []struct{ q, a string }{
	{"\x1b]11;?\x1b\\", "\x1b]11;rgb:1c1c/1c1c/1c1c\x1b\\"},
	{"\x1b]11;?\a", "\x1b]11;rgb:1c1c/1c1c/1c1c\a"},
	{"\x1b]10;?\x1b\\", "\x1b]10;rgb:e4e4/e4e4/e4e4\x1b\\"},
	{"\x1b[6n", "\x1b[1;1R"},
}

// answer replies, as a terminal would, to the queries in win, which
// holds the stream's bytes from offset base on. Queries that end at or
// before *done were answered already (win overlaps the previous read);
// *done moves past those answered now.
func answer(term *os.File, win []byte, base int64, done *int64) {
	type hit struct {
		at  int
		end int64
		a   string
	}
	var hits []hit
	for _, tq := range terminalQueries {
		for off := 0; ; {
			i := bytes.Index(win[off:], []byte(tq.q))
			if i < 0 {
				break
			}
			off += i + len(tq.q)
			if end := base + int64(off); end > *done {
				hits = append(hits, hit{off - len(tq.q), end, tq.a})
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.at - b.at })
	for _, h := range hits {
		_, _ = term.WriteString(h.a)
		*done = max(*done, h.end)
	}
}

// openPTY opens a pseudo-terminal pair sized w×h.
func openPTY(w, h int) (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := master.Fd()
	var unlock int32
	if err := ioctl(fd, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		master.Close()
		return nil, nil, err
	}
	var n uint32
	if err := ioctl(fd, syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		master.Close()
		return nil, nil, err
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	ws := struct{ row, col, x, y uint16 }{uint16(h), uint16(w), 0, 0}
	if err := ioctl(slave.Fd(), syscall.TIOCSWINSZ, unsafe.Pointer(&ws)); err != nil {
		master.Close()
		slave.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

func ioctl(fd, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}

// procMem reads VmRSS and VmHWM of pid.
func procMem(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// procCPU is the user+system CPU time pid has used.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / hz
}

// processCases are the load settings: dsbrowse's defaults (page_size 100,
// concurrency 4) and larger pages.
var processCases = []struct{ page, conc int }{{100, 4}, {500, 4}}

// BenchmarkProcess is the whole program at 10k, 100k and 1M sources: first
// screen, full load, resident memory. One op is one run of the TUI.
func BenchmarkProcess(b *testing.B) {
	env := needProcess(b)
	for _, size := range benchSizes {
		b.Run("rows="+size.name, func(b *testing.B) {
			srv := startDemoServer(b, env, size.n)
			for _, pc := range processCases {
				b.Run(fmt.Sprintf("page=%d/conc=%d", pc.page, pc.conc), func(b *testing.B) {
					var runs []tuiRun
					for b.Loop() {
						runs = append(runs, runTUI(b, env, srv, pc.page, pc.conc, false))
					}
					last := runs[len(runs)-1]
					var first durations
					for _, r := range runs {
						first = append(first, r.firstScreen)
					}
					b.ReportMetric(ms(first.pct(0.5)), "first-screen-ms")
					b.ReportMetric(ms(last.fullLoad), "full-load-ms")
					b.ReportMetric(float64(srv.total)/last.fullLoad.Seconds(), "sources/s")
					b.ReportMetric(float64(last.rss)/(1<<20), "rss-MB")
					b.ReportMetric(float64(last.hwm)/(1<<20), "hwm-MB")
					b.ReportMetric(float64(last.rssSettled)/(1<<20), "rss-settled-MB")
					b.ReportMetric(last.tuiCPU.Seconds(), "tui-cpu-s")
					b.ReportMetric(last.serverCPU.Seconds(), "server-cpu-s")
				})
			}
		})
	}
}

// BenchmarkFirstScreen starts the TUI again and again against a server of
// 100,000 sources and reports the time from exec to the first data row on
// the terminal, at the default page size and at 1000. "exec-only" is the
// floor: the same binary printing its version (process start, Go runtime,
// package initialisation).
func BenchmarkFirstScreen(b *testing.B) {
	env := needProcess(b)
	b.Run("rows=100k", func(b *testing.B) {
		srv := startDemoServer(b, env, 100_000)
		for _, page := range []int{100, 1000} {
			b.Run(fmt.Sprintf("page=%d", page), func(b *testing.B) {
				var d durations
				for b.Loop() {
					d = append(d, runTUI(b, env, srv, page, 4, true).firstScreen)
				}
				b.ReportMetric(ms(d.pct(0.5)), "p50-ms")
				b.ReportMetric(ms(d.pct(0.95)), "p95-ms")
			})
		}
	})
	b.Run("exec-only", func(b *testing.B) {
		var d durations
		for b.Loop() {
			t := time.Now()
			if out, err := exec.Command(env.bin, "--version").CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
			d = append(d, time.Since(t))
		}
		b.ReportMetric(ms(d.pct(0.5)), "p50-ms")
		b.ReportMetric(ms(d.pct(0.95)), "p95-ms")
	})
}
