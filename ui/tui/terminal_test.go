package tui

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	tea "github.com/charmbracelet/bubbletea"
)

// restored lists what the output must end with for the terminal to be
// usable again, as Bubble Tea writes it.
var restored = map[string]string{
	"cursor shown":         "\x1b[?25h",
	"mouse reporting off":  "\x1b[?1002l",
	"SGR mouse off":        "\x1b[?1006l",
	"alternate screen off": "\x1b[?1049l",
}

// syncBuffer is the program's output: Bubble Tea writes from its renderer
// goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// captureStdout runs f with os.Stdout going to a pipe (Bubble Tea prints
// the panics it catches there) and returns what was written.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	defer func() {
		os.Stdout = saved
	}()
	f()
	os.Stdout = saved
	w.Close()
	return <-got
}

type poke struct{}

// panicker panics where told, once the program is running.
type panicker struct {
	where string // "update", "view", "cmd", "batch"
	poked bool
}

func (p *panicker) Init() tea.Cmd {
	switch p.where {
	case "cmd":
		return func() tea.Msg { panic("boom in a command") }
	case "batch":
		return tea.Batch(func() tea.Msg { return nil }, func() tea.Msg { panic("boom in a batch") })
	}
	return func() tea.Msg { return poke{} }
}

func (p *panicker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(poke); ok {
		p.poked = true
		if p.where == "update" {
			panic("boom in Update")
		}
	}
	return p, nil
}

func (p *panicker) View() string {
	if p.poked && p.where == "view" {
		panic("boom in View")
	}
	return "drawing"
}

// A panic anywhere in the program ends it with the terminal given back
// (alternate screen left, cursor shown, mouse off) and an error that says
// what happened in one line, instead of Bubble Tea's stack dump on stdout.
func TestPanicRestoresTheTerminal(t *testing.T) {
	for _, where := range []string{"update", "view", "cmd", "batch"} {
		t.Run(where, func(t *testing.T) {
			var out syncBuffer
			var err error
			dump := captureStdout(t, func() {
				err = RunProgram(&panicker{where: where}, true, tea.WithInput(nil), tea.WithOutput(&out))
			})
			if dump != "" {
				t.Errorf("Bubble Tea saw the panic and dumped it on stdout:\n%s", dump)
			}
			var pe *PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("Run returned %v, want a *PanicError", err)
			}
			if !strings.Contains(pe.Error(), "boom in") || strings.Contains(pe.Error(), "\n") {
				t.Errorf("not one clear line: %q", pe.Error())
			}
			if pe.ExitCode() == 0 || len(pe.Stack) == 0 {
				t.Errorf("exit code %d, %d bytes of stack", pe.ExitCode(), len(pe.Stack))
			}
			o := out.String()
			if !strings.Contains(o, "\x1b[?1049h") || !strings.Contains(o, "\x1b[?1002h") {
				t.Fatalf("the program never took the terminal: %q", o)
			}
			for what, seq := range restored {
				if !strings.Contains(o[strings.LastIndex(o, "\x1b[?1049h"):], seq) {
					t.Errorf("%s: %q missing from the output after the panic", what, seq)
				}
			}
		})
	}
}

// The guard passes everything else through: a model that quits ends with
// no error.
func TestRunProgramQuits(t *testing.T) {
	var out syncBuffer
	m := quitter{}
	if err := RunProgram(m, false, tea.WithInput(nil), tea.WithOutput(&out)); err != nil {
		t.Fatalf("Run returned %v", err)
	}
	if o := out.String(); !strings.Contains(o, "\x1b[?1049l") || !strings.Contains(o, "\x1b[?25h") {
		t.Errorf("terminal not restored: %q", o)
	}
}

type quitter struct{}

func (quitter) Init() tea.Cmd                         { return tea.Quit }
func (q quitter) Update(tea.Msg) (tea.Model, tea.Cmd) { return q, nil }
func (quitter) View() string                          { return "bye" }

// ctrl+z is in the full help, beside the other global keys, at every
// width (the help scrolls rather than dropping keys).
func TestHelpListsSuspend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 130, 40, nil)
		run(t, m, press("?"))
		if !regexp.MustCompile(`\^z\s+suspend`).MatchString(screen(m)) {
			t.Errorf("the help does not list ^z:\n%s", screen(m))
		}
		run(t, m, press("esc"))
		run(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		run(t, m, press("?"))
		if sc := screen(m); !regexp.MustCompile(`q\s+quit`).MatchString(sc) || !regexp.MustCompile(`\^z\s+suspend`).MatchString(sc) {
			t.Errorf("at 80 columns the global keys went:\n%s", sc)
		}
	})
}
