//go:build linux

package sources

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// BenchmarkStart is issue 11's start target: from exec to the first frame
// of the TUI on its terminal (the header, "start @ 127.0.0.1:PORT"), with
// no network: the profile's server is a loopback listener that takes
// connections and never answers, so nothing the TUI asks of it can come
// back before the frame. The time is read from the bytes the program
// writes to its pseudo-terminal (200×60), as they arrive; the test answers
// the terminal's colour query at once, as a local terminal does. (Bubble
// Tea v1 asks for the background in its package init, tea_init.go,
// whatever the theme: one round trip to the terminal on every start.)
//
//	theme=auto  the default: lipgloss uses that answer
//	theme=dark  [theme] mode = "dark"
//	colorfgbg   theme auto with COLORFGBG=15;0 set, as rxvt and Konsole
//	            do: termenv still asks (the variable is only its fallback)
//	exec-only   the same binary printing --version: process start, Go
//	            runtime and package init, the floor
//
// BENCH_BEFORE_BIN names another build (of the tree before a change) to
// run beside this one, taking turns start by start, so both see the same
// machine; its figures are reported as before-p50-ms and before-p95-ms.
//
//	go test -run '^$' -bench BenchmarkStart -benchtime 40x ./views/sources/
func BenchmarkStart(b *testing.B) {
	env := needProcess(b)
	before := os.Getenv("BENCH_BEFORE_BIN")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	// Connections are taken and held, never answered, until the end.
	accepted := make(chan struct{})
	var held []net.Conn
	go func() {
		defer close(accepted)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	b.Cleanup(func() {
		ln.Close()
		<-accepted
		for _, c := range held {
			c.Close()
		}
	})
	url := "http://" + ln.Addr().String()
	for _, tc := range []struct {
		name, mode string
		env        []string
	}{
		{"theme=auto", "auto", nil},
		{"theme=dark", "dark", nil},
		{"colorfgbg", "auto", []string{"COLORFGBG=15;0"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			cfg := filepath.Join(env.dir, "start-"+tc.mode+".toml")
			body := fmt.Sprintf("[profiles.start]\nurl = %q\napi_key_env = \"BENCH_KEY\"\nallow_http = true\n\n[theme]\nmode = %q\n", url, tc.mode)
			if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
				b.Fatal(err)
			}
			marker := []byte("start @ " + ln.Addr().String())
			var ours, old durations
			for b.Loop() {
				ours = append(ours, startToFrame(b, env.bin, env.dir, cfg, tc.env, marker))
				if before != "" {
					old = append(old, startToFrame(b, before, env.dir, cfg, tc.env, marker))
				}
			}
			reportStart(b, ours, old)
		})
	}
	b.Run("exec-only", func(b *testing.B) {
		var ours, old durations
		for b.Loop() {
			ours = append(ours, execVersion(b, env.bin))
			if before != "" {
				old = append(old, execVersion(b, before))
			}
		}
		reportStart(b, ours, old)
	})
}

func reportStart(b *testing.B, ours, old durations) {
	b.ReportMetric(ms(ours.pct(0.5)), "p50-ms")
	b.ReportMetric(ms(ours.pct(0.95)), "p95-ms")
	if len(old) > 0 {
		b.ReportMetric(ms(old.pct(0.5)), "before-p50-ms")
		b.ReportMetric(ms(old.pct(0.95)), "before-p95-ms")
	}
}

func execVersion(b *testing.B, bin string) time.Duration {
	t := time.Now()
	if out, err := exec.Command(bin, "--version").CombinedOutput(); err != nil {
		b.Fatalf("%v: %s", err, out)
	}
	return time.Since(t)
}

// startToFrame runs bin with the config cfg in a 200×60 pseudo-terminal
// and returns the time from exec until marker is written, then kills it.
func startToFrame(b *testing.B, bin, home, cfg string, extra []string, marker []byte) time.Duration {
	b.Helper()
	master, slave, err := openPTY(200, 60)
	if err != nil {
		b.Fatal(err)
	}
	defer master.Close()
	cmd := exec.Command(bin, "--config", cfg, "--profile", "start")
	cmd.Env = append([]string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color",
		"COLORTERM=truecolor", "LANG=C.UTF-8", "BENCH_KEY=" + immutatest.DefaultKey}, extra...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0, Pdeathsig: syscall.SIGKILL}
	seen := make(chan time.Duration, 1)
	var out bytes.Buffer
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	slave.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		var answered int64
		for {
			n, err := master.Read(buf)
			if n > 0 {
				at := time.Since(start)
				out.Write(buf[:n])
				// The whole stream so far: a start writes a few KB.
				answer(master, out.Bytes(), 0, &answered)
				if len(seen) == 0 && bytes.Contains(out.Bytes(), marker) {
					seen <- at
				}
			}
			if err != nil {
				return
			}
		}
	}()
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		master.Close()
		<-done
	}
	select {
	case d := <-seen:
		stop()
		return d
	case <-time.After(time.Minute):
		stop()
		b.Fatalf("no first frame within a minute; the terminal got %q", strings.ToValidUTF8(out.String(), "?"))
	}
	return 0
}
