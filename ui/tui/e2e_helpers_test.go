package tui_test

// Harness for the end-to-end tests in e2e_tmux_test.go: the real binary,
// built once, runs in a private tmux server at a fixed size; the tests type
// keys with send-keys and read the screen with capture-pane.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// raceBuild is true when the tests run with -race: the binary is then
// built with -race too, and any race it reports fails the test that ran it.
var raceBuild = func() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}()

var (
	tmpRoot   string // removed after the run
	buildOnce sync.Once
	binPath   string
	buildErr  error
	sessionN  atomic.Int64
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dsb-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tmpRoot = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the module root (where go.mod is).
func repoRoot() string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if gomod := strings.TrimSpace(string(out)); err == nil && gomod != "" && gomod != os.DevNull {
		return filepath.Dir(gomod)
	}
	return "../.."
}

// binary builds dsbrowse once per test run (only when an end-to-end test
// runs) and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binPath = filepath.Join(tmpRoot, "dsbrowse")
		args := []string{"build", "-o", binPath}
		if raceBuild {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...)
		cmd.Dir = repoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// needTmux skips without tmux, except on CI, which must run these tests.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed; CI must run the end-to-end tests (install tmux)")
		}
		t.Skip("tmux is not installed")
	}
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("end-to-end test: skipped with -short")
	}
}

// Timeouts. Generous: the tests may run in parallel on two cores under -race.
const (
	startTimeout = 20 * time.Second
	waitTimeout  = 10 * time.Second
	pollEvery    = 50 * time.Millisecond
	settle       = 25 * time.Millisecond
	escPause     = 120 * time.Millisecond
)

// tui is dsbrowse running in a private tmux server.
type tui struct {
	t      *testing.T
	sock   string
	dir    string
	env    []string
	w, h   int
	race   string // GORACE log path prefix, when built with -race
	closed bool
}

type tuiOpts struct {
	URL, Key string
	Args     []string          // dsbrowse flags
	Env      map[string]string // extra environment
	W, H     int               // default 120×40
}

// startEmu starts an emulator that lives as long as the test.
func startEmu(t *testing.T, o immutatest.Options) *immutatest.Server {
	t.Helper()
	srv := immutatest.NewServer(o)
	t.Cleanup(srv.Close)
	return srv
}

// startOn runs dsbrowse against srv.
func startOn(t *testing.T, srv *immutatest.Server, args ...string) *tui {
	t.Helper()
	return startTUI(t, tuiOpts{URL: srv.URL, Key: srv.Handler.Key(), Args: args})
}

// startTUI starts a tmux server on its own socket with one session running
// the binary. The session is killed when the test ends.
func startTUI(t *testing.T, o tuiOpts) *tui {
	t.Helper()
	needTmux(t)
	bin := binary(t)
	if o.W == 0 {
		o.W, o.H = 120, 40
	}
	dir, err := os.MkdirTemp(tmpRoot, "s")
	if err != nil {
		t.Fatal(err)
	}
	s := &tui{t: t, dir: dir, w: o.W, h: o.H,
		sock: fmt.Sprintf("dsb-e2e-%d-%d", os.Getpid(), sessionN.Add(1))}
	vars := map[string]string{
		"PATH":            os.Getenv("PATH"),
		"HOME":            filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"), // no user config
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
		"TMUX_TMPDIR":     tmpRoot, // the sockets live in our temporary directory
		"LANG":            "C.UTF-8",
		"TERM":            "xterm-256color",
		"NO_COLOR":        "1", // stable text
		"IMMUTA_URL":      o.URL,
		"IMMUTA_API_KEY":  o.Key,
	}
	if raceBuild {
		s.race = filepath.Join(dir, "race")
		vars["GORACE"] = "log_path=" + s.race
	}
	for k, v := range o.Env {
		vars[k] = v
	}
	for k, v := range vars {
		s.env = append(s.env, k+"="+v)
	}
	conf := filepath.Join(dir, "tmux.conf")
	confText := strings.Join([]string{
		"set -g remain-on-exit on", // keep the pane to read the exit status
		"set -g status off",        // the whole window is the pane
		"set -g escape-time 0",
		"set -g default-terminal xterm-256color",
		"set -g history-limit 0",
		"set -gq allow-set-title on", // tmux 3.4+: titles from escapes (the hostile data test checks they do not come)
	}, "\n") + "\n"
	if err := os.WriteFile(conf, []byte(confText), 0o600); err != nil {
		t.Fatal(err)
	}
	// The server starts with s.env as its global environment, which the
	// pane inherits (no new-session -e: tmux before 3.2 lacks it).
	args := []string{"-f", conf, "new-session", "-d", "-s", "dsb",
		"-x", strconv.Itoa(o.W), "-y", strconv.Itoa(o.H), bin}
	args = append(args, o.Args...)
	if out, err := s.run(args...); err != nil {
		t.Fatalf("starting tmux: %v\n%s", err, out)
	}
	t.Cleanup(s.close)
	// If this test process dies before its cleanup runs (a timeout panic,
	// a kill), a hidden window takes the tmux server down with it.
	watch := fmt.Sprintf("while kill -0 %d 2>/dev/null; do sleep 1; done; tmux kill-server", os.Getpid())
	s.must("new-window", "-d", "-n", "watchdog", watch)
	return s
}

// run runs one tmux command on this server.
func (s *tui) run(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-L", s.sock}, args...)...)
	cmd.Env = s.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (s *tui) must(args ...string) string {
	s.t.Helper()
	out, err := s.run(args...)
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (s *tui) close() {
	if s.closed {
		return
	}
	s.closed = true
	_, _ = s.run("kill-server")
	if s.race != "" {
		logs, _ := filepath.Glob(s.race + ".*")
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			s.t.Errorf("dsbrowse (built with -race) reported a data race:\n%s", b)
		}
	}
}

// send types keys, one send-keys each (tmux key names: Enter, Escape, Tab,
// Down, C-n, Space...). Escape is sent alone and followed by a pause: bytes
// that arrive together with an ESC read as alt+key.
func (s *tui) send(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		s.must("send-keys", "-t", "dsb", k)
		if k == "Escape" {
			time.Sleep(escPause)
		}
	}
}

// sendN presses key n times in one go (for keys that are escape sequences,
// like Down, which are read one by one however they arrive).
func (s *tui) sendN(key string, n int) {
	s.t.Helper()
	s.must("send-keys", "-t", "dsb", "-N", strconv.Itoa(n), key)
}

// typeText types text literally.
func (s *tui) typeText(text string) {
	s.t.Helper()
	s.must("send-keys", "-t", "dsb", "-l", text)
}

// esc presses Escape.
func (s *tui) esc() { s.t.Helper(); s.send("Escape") }

// screen is the visible pane, one line per row.
func (s *tui) screen() string {
	s.t.Helper()
	return strings.TrimSuffix(s.must("capture-pane", "-p", "-t", "dsb"), "\n")
}

// joinedScreen is the pane with wrapped lines joined (a line longer than
// the terminal shows up longer than the terminal).
func (s *tui) joinedScreen() string {
	s.t.Helper()
	return strings.TrimSuffix(s.must("capture-pane", "-p", "-J", "-t", "dsb"), "\n")
}

// waitUntil polls the screen until ok holds, failing with the last screen
// after timeout. It fails at once if dsbrowse exited.
//
// A capture can catch a frame half drawn (tmux reads the program's output
// in chunks), so ok must hold on two captures a moment apart that show the
// same screen, the header line aside (its spinner turns while requests run).
// The second capture is returned.
func (s *tui) waitUntil(what string, timeout time.Duration, ok func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		sc := s.screen()
		if ok(sc) {
			time.Sleep(settle)
			again := s.screen()
			if ok(again) && sameBelowHeader(sc, again) {
				return again
			}
			continue
		}
		if strings.Contains(sc, "Pane is dead") {
			s.t.Fatalf("dsbrowse exited while waiting for %s; screen:\n%s", what, sc)
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out after %v waiting for %s; screen:\n%s", timeout, what, sc)
		}
		time.Sleep(pollEvery)
	}
}

func sameBelowHeader(a, b string) bool {
	_, a, _ = strings.Cut(a, "\n")
	_, b, _ = strings.Cut(b, "\n")
	return a == b
}

// waitFor waits until the screen contains every one of subs.
func (s *tui) waitFor(timeout time.Duration, subs ...string) string {
	s.t.Helper()
	return s.waitUntil(fmt.Sprintf("%q", subs), timeout, func(sc string) bool {
		for _, sub := range subs {
			if !strings.Contains(sc, sub) {
				return false
			}
		}
		return true
	})
}

// waitGone waits until the screen no longer contains sub.
func (s *tui) waitGone(timeout time.Duration, sub string) string {
	s.t.Helper()
	return s.waitUntil(fmt.Sprintf("%q to go away", sub), timeout, func(sc string) bool {
		return !strings.Contains(sc, sub)
	})
}

// waitCrumb waits until the breadcrumb (second line) is exactly crumb.
func (s *tui) waitCrumb(crumb string) string {
	s.t.Helper()
	return s.waitUntil("breadcrumb "+strconv.Quote(crumb), waitTimeout, func(sc string) bool {
		return line(sc, 1) == crumb
	})
}

// pane reports whether the program has exited and with what status.
func (s *tui) pane() (dead bool, status int) {
	s.t.Helper()
	out := strings.Fields(s.must("display-message", "-p", "-t", "dsb", "#{pane_dead} #{pane_dead_status}"))
	if len(out) == 0 {
		s.t.Fatal("tmux display-message printed nothing")
	}
	if len(out) > 1 {
		status, _ = strconv.Atoi(out[1])
	}
	return out[0] == "1", status
}

// alive fails the test if dsbrowse has exited.
func (s *tui) alive() {
	s.t.Helper()
	if dead, st := s.pane(); dead {
		s.t.Fatalf("dsbrowse exited (status %d); screen:\n%s", st, s.screen())
	}
}

// waitExit waits for dsbrowse to exit and returns its exit status.
func (s *tui) waitExit(timeout time.Duration) int {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if dead, st := s.pane(); dead {
			return st
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("dsbrowse did not exit within %v; screen:\n%s", timeout, s.screen())
		}
		time.Sleep(pollEvery)
	}
}

// resize changes the window size.
func (s *tui) resize(w, h int) {
	s.t.Helper()
	s.must("resize-window", "-t", "dsb", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h))
	s.w, s.h = w, h
}

// Screen parsing.

func lines(sc string) []string { return strings.Split(sc, "\n") }

// line is row i of the screen ("" past the end).
func line(sc string, i int) string {
	ls := lines(sc)
	if i < 0 {
		i += len(ls)
	}
	if i < 0 || i >= len(ls) {
		return ""
	}
	return ls[i]
}

// statusLine and footer are the last two rows of a screen h rows high.
func (s *tui) statusLine(sc string) string { return line(sc, s.h-2) }
func (s *tui) footer(sc string) string     { return line(sc, s.h-1) }

var cellSep = regexp.MustCompile(`\s{2,}`)

// row is one row of the data sources table.
type row struct {
	Selected bool     // the cursor is on it (›)
	Marked   bool     // marked for a bulk action (●)
	Cells    []string // name, id, handler, status, subscription, ...
	Line     string
}

func (r row) Name() string { return r.Cells[0] }

// listRows parses the data sources table: the rows under the column
// header, up to the first blank line. A row starts with two glyph cells,
// the cursor (›) and the mark (●). Meaningless while a modal is open.
func listRows(sc string) []row {
	var out []row
	in := false
	for _, l := range lines(sc) {
		if !in {
			in = strings.HasPrefix(strings.TrimSpace(l), "NAME") && strings.Contains(l, "STATUS")
			continue
		}
		if strings.TrimSpace(l) == "" {
			break
		}
		r := row{Line: l}
		rs := []rune(l)
		if len(rs) < 3 {
			continue
		}
		r.Selected, r.Marked = rs[0] == '›', rs[1] == '●'
		r.Cells = cellSep.Split(strings.TrimSpace(string(rs[2:])), -1)
		out = append(out, r)
	}
	return out
}

// selectedRow is the index of the row under the cursor, or -1.
func selectedRow(rows []row) int {
	for i, r := range rows {
		if r.Selected {
			return i
		}
	}
	return -1
}

// findRow returns the index of the row named name, or -1.
func findRow(rows []row, name string) int {
	for i, r := range rows {
		if r.Name() == name {
			return i
		}
	}
	return -1
}

// Request log helpers.

func writesIn(reqs []immutatest.Request) []immutatest.Request {
	var out []immutatest.Request
	for _, r := range reqs {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch:
			if r.Path == "/bim/apikey/authenticate" {
				continue // the key exchange changes nothing
			}
			out = append(out, r)
		}
	}
	return out
}

func countReq(reqs []immutatest.Request, method, path string) int {
	n := 0
	for _, r := range reqs {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func hasReq(reqs []immutatest.Request, method, pathPrefix string) bool {
	for _, r := range reqs {
		if r.Method == method && strings.HasPrefix(r.Path, pathPrefix) {
			return true
		}
	}
	return false
}

func fmtReqs(reqs []immutatest.Request) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "  %s %s?%s → %d\n", r.Method, r.Path, r.Query, r.Status)
	}
	return b.String()
}

// emuGet asks the emulator directly (not through the TUI) and decodes the
// JSON answer into v.
func emuGet(t *testing.T, srv *immutatest.Server, path string, v any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+srv.Handler.Key())
	rec := httptest.NewRecorder()
	srv.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}
