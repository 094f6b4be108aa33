//go:build unix

package tui_test

// End-to-end tests of the terminal itself: dsbrowse runs from an
// interactive shell in tmux, and whatever ends or stops it (a signal,
// ctrl+z, kill -TSTP), the shell gets back a terminal it can use: the
// alternate screen left, the cursor shown, mouse reporting off, the tty
// in cooked mode. tmux's pane flags say what the program left behind.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const prompt = "dsb$"

// startShell starts a private tmux server whose pane runs an interactive
// bash (job control on) with a known prompt.
func startShell(t *testing.T) *tui {
	t.Helper()
	needTmux(t)
	binary(t) // build first: the shell starts it by path
	dir, err := os.MkdirTemp(tmpRoot, "sh")
	if err != nil {
		t.Fatal(err)
	}
	s := &tui{t: t, dir: dir, w: 100, h: 30,
		sock: fmt.Sprintf("dsb-e2e-%d-%d", os.Getpid(), sessionN.Add(1))}
	vars := map[string]string{
		"PATH":            os.Getenv("PATH"),
		"HOME":            filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
		"TMUX_TMPDIR":     tmpRoot,
		"LANG":            "C.UTF-8",
		"TERM":            "xterm-256color",
		"NO_COLOR":        "1",
		"PS1":             prompt + " ",
	}
	if raceBuild {
		s.race = filepath.Join(dir, "race")
		vars["GORACE"] = "log_path=" + s.race
	}
	for k, v := range vars {
		s.env = append(s.env, k+"="+v)
	}
	conf := filepath.Join(dir, "tmux.conf")
	confText := "set -g status off\nset -g escape-time 0\nset -g default-terminal xterm-256color\nset -g history-limit 0\n"
	if err := os.WriteFile(conf, []byte(confText), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := s.run("-f", conf, "new-session", "-d", "-s", "dsb", "-x", "100", "-y", "30",
		"bash", "--norc", "--noprofile", "-i"); err != nil {
		t.Fatalf("starting tmux: %v\n%s", err, out)
	}
	t.Cleanup(s.close)
	watch := fmt.Sprintf("while kill -0 %d 2>/dev/null; do sleep 1; done; tmux kill-server", os.Getpid())
	s.must("new-window", "-d", "-n", "watchdog", watch)
	s.waitAtPrompt("the shell")
	return s
}

// atPrompt reports whether the last non-blank line is the bare prompt.
func atPrompt(sc string) bool {
	ls := lines(sc)
	for i := len(ls) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(ls[i]); l != "" {
			return l == prompt
		}
	}
	return false
}

func (s *tui) waitAtPrompt(what string) string {
	s.t.Helper()
	return s.waitUntil("the prompt after "+what, waitTimeout, atPrompt)
}

// shell types a command line and waits for the prompt to come back.
func (s *tui) shell(cmd string) string {
	s.t.Helper()
	s.typeText(cmd)
	s.send("Enter")
	return s.waitUntil("the prompt after "+cmd, waitTimeout, func(sc string) bool {
		return atPrompt(sc) && strings.Contains(sc, cmd)
	})
}

// clear clears the screen, so that what is waited for next is new.
func (s *tui) clear() {
	s.t.Helper()
	s.typeText("clear")
	s.send("Enter")
	s.waitUntil("a clear screen", waitTimeout, func(sc string) bool {
		return strings.TrimSpace(sc) == prompt
	})
}

// launch clears the screen, starts dsbrowse --demo from the shell and
// waits for its list; it returns the program's pid.
func (s *tui) launch() int {
	s.t.Helper()
	s.clear()
	pidFile := filepath.Join(s.dir, fmt.Sprintf("pid%d", time.Now().UnixNano()))
	// exec keeps the pid the shell's job has, so the test can signal it.
	s.typeText(fmt.Sprintf("sh -c 'echo $$ > %s; exec %s --demo --demo-sources 50'", pidFile, binPath))
	s.send("Enter")
	s.waitUntil("the list", startTimeout, listLoaded)
	b, err := os.ReadFile(pidFile)
	if err != nil {
		s.t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		s.t.Fatalf("pid file: %q", b)
	}
	s.checkFlags("while dsbrowse runs", "1 0 1")
	return pid
}

var loadedRE = regexp.MustCompile(`(\d+) of (\d+) loaded`)

// listLoaded reports whether the list shows every row loaded.
func listLoaded(sc string) bool {
	m := loadedRE.FindStringSubmatch(sc)
	return m != nil && m[1] == m[2] && strings.Contains(sc, "NAME")
}

// flags are tmux's view of the terminal modes: alternate screen on,
// cursor shown, any mouse reporting on.
func (s *tui) flags() string {
	s.t.Helper()
	return strings.TrimSpace(s.must("display-message", "-p", "-t", "dsb",
		"#{alternate_on} #{cursor_flag} #{mouse_any_flag}"))
}

// checkFlags waits briefly for the modes to settle at want ("alt cursor
// mouse"): the program writes them as it goes, the shell prompt after.
func (s *tui) checkFlags(when, want string) {
	s.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		got := s.flags()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: alternate screen, cursor shown, mouse on = %q, want %q; screen:\n%s", when, got, want, s.screen())
		}
		time.Sleep(pollEvery)
	}
}

// checkCooked fails unless the tty is back in cooked mode: line editing
// and echo on, as the shell and the next program expect.
func (s *tui) checkCooked(when string) {
	s.t.Helper()
	s.clear()
	sc := s.shell("stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo")
	if !strings.Contains(sc, "icanon echo") {
		s.t.Fatalf("%s: the tty is not in cooked mode:\n%s", when, sc)
	}
}

// exitStatus asks the shell for the last command's status.
func (s *tui) exitStatus() int {
	s.t.Helper()
	sc := s.shell("echo status=$?")
	for _, l := range lines(sc) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "status="); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				s.t.Fatalf("status line %q", l)
			}
			return n
		}
	}
	s.t.Fatalf("no status line:\n%s", sc)
	return -1
}

// SIGHUP, SIGTERM, SIGQUIT and SIGINT each end dsbrowse with the terminal
// given back, a line saying why on stderr, and the shell's exit status
// for a death by that signal.
func TestSignalsGiveTheTerminalBack(t *testing.T) {
	s := startShell(t)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGINT} {
		name := map[syscall.Signal]string{syscall.SIGHUP: "SIGHUP", syscall.SIGTERM: "SIGTERM",
			syscall.SIGQUIT: "SIGQUIT", syscall.SIGINT: "SIGINT"}[sig]
		pid := s.launch()
		if err := syscall.Kill(pid, sig); err != nil {
			t.Fatal(err)
		}
		sc := s.waitUntil("the prompt after "+name, waitTimeout, func(sc string) bool {
			return atPrompt(sc) && strings.Contains(sc, "dsbrowse: quit on "+name)
		})
		if strings.Contains(sc, "goroutine ") {
			t.Errorf("%s: a stack dump instead of one line:\n%s", name, sc)
		}
		s.checkFlags("after "+name, "0 1 0")
		if got, want := s.exitStatus(), 128+int(sig); got != want {
			t.Errorf("%s: exit status %d, want %d", name, got, want)
		}
		s.checkCooked("after " + name)
	}
}

// suspended waits for bash to report the job stopped, and checks the
// terminal is the shell's meanwhile.
func (s *tui) suspended(how string) {
	s.t.Helper()
	s.waitUntil("the job stopped by "+how, waitTimeout, func(sc string) bool {
		return atPrompt(sc) && strings.Contains(sc, "Stopped")
	})
	s.checkFlags("stopped by "+how, "0 1 0")
	s.checkCooked("stopped by " + how)
}

// resumed brings the job back with fg and checks it is redrawn and takes
// keys one by one (raw mode): ? opens the help at once, without Enter.
func (s *tui) resumed(how string) {
	s.t.Helper()
	s.typeText("fg")
	s.send("Enter")
	s.waitUntil("the list redrawn", waitTimeout, listLoaded)
	s.checkFlags("after fg ("+how+")", "1 0 1")
	s.send("?")
	s.waitFor(waitTimeout, "Keys for Data sources")
	s.send("Escape")
	s.waitGone(waitTimeout, "Keys for Data sources")
}

func TestCtrlZSuspendsAndFgResumes(t *testing.T) {
	s := startShell(t)
	s.launch()
	s.send("C-z")
	s.suspended("ctrl+z")
	s.resumed("ctrl+z")
	// Twice: the second suspend works like the first.
	s.send("C-z")
	s.suspended("a second ctrl+z")
	s.resumed("a second ctrl+z")
	s.send("q")
	s.waitAtPrompt("q")
	s.checkFlags("after q", "0 1 0")
	if st := s.exitStatus(); st != 0 {
		t.Errorf("exit status %d after q", st)
	}
}

func TestKillTSTPThenFgResumes(t *testing.T) {
	s := startShell(t)
	pid := s.launch()
	if err := syscall.Kill(pid, syscall.SIGTSTP); err != nil {
		t.Fatal(err)
	}
	s.suspended("kill -TSTP")
	s.resumed("kill -TSTP")
	s.send("q")
	s.waitAtPrompt("q")
	s.checkFlags("after q", "0 1 0")
	s.checkCooked("after q")
}
