package tui

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/keymap"
)

// SignalError is how a TUI session ends on SIGHUP, SIGINT, SIGTERM or
// SIGQUIT: the terminal has been restored by then.
type SignalError struct{ Signal syscall.Signal }

func (e *SignalError) Error() string {
	return fmt.Sprintf("quit on %s (%s); the terminal was restored", signalName(e.Signal), e.Signal)
}

// ExitCode is the shell's convention for a death by signal.
func (e *SignalError) ExitCode() int { return 128 + int(e.Signal) }

// PanicError is how a TUI session ends on a panic that reached the program
// (in Update, View, Init or a command): the terminal has been restored.
type PanicError struct {
	Value any
	Stack []byte // of the goroutine that panicked; nil when Bubble Tea caught it
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error: %v; the terminal was restored (please report this)", e.Value)
}

// ExitCode is what an unrecovered panic exits with.
func (e *PanicError) ExitCode() int { return 2 }

// RunProgram runs m full screen (mouse reporting on if mouse) until it
// quits. Whatever ends it, the terminal comes back as it was: alternate
// screen left, cursor shown, mouse reporting off, the tty's modes restored.
// A signal ends it with a *SignalError, a panic with a *PanicError. ctrl+z
// and SIGTSTP suspend it, and SIGCONT (fg) redraws it.
func RunProgram(m tea.Model, mouse bool, opts ...tea.ProgramOption) error {
	s := &session{mouse: mouse}
	// Bubble Tea draws only on its frame ticker, so at its default 60 fps
	// the first frame waits up to 17 ms after the start (half the start's
	// budget); 120, its most, halves that and every wait for a redraw. A
	// tick with nothing new to draw only compares the frame.
	opts = append([]tea.ProgramOption{tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithFPS(120)}, opts...)
	if mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	s.p = tea.NewProgram(guard{inner: m, s: s}, opts...)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, append(endSignals, suspendSignals...)...)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.watch(sigs, done) }()

	_, err := s.p.Run()

	signal.Stop(sigs)
	close(done)
	wg.Wait()
	if pe := s.panicked(); pe != nil {
		return pe
	}
	if sig := s.signal.Load(); sig != 0 {
		return &SignalError{Signal: syscall.Signal(sig)}
	}
	if errors.Is(err, tea.ErrProgramPanic) {
		// Bubble Tea caught it (a command run in a sequence, or its own
		// code) and restored the terminal; its report went to stdout.
		return &PanicError{Value: "caught by Bubble Tea"}
	}
	return err
}

// session is what the program, its model guard and the signal watcher
// share.
type session struct {
	p     *tea.Program
	mouse bool

	signal atomic.Int32 // the signal that ended the session

	mu    sync.Mutex
	panic *PanicError // the first panic

	// suspending is set while a suspend we asked for is under way: the
	// SIGTSTP that Bubble Tea then sends to its process group is ours, and
	// stops the process. One from anyone else starts a suspend instead.
	suspending atomic.Bool
}

// watch turns signals into what the program does about them.
func (s *session) watch(sigs <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case sig := <-sigs:
			if isSuspend(sig) {
				if s.suspending.CompareAndSwap(true, false) {
					// Bubble Tea has released the terminal. Go keeps
					// handling SIGTSTP once notified, so stop for real
					// with the one signal that cannot be caught; its
					// SIGCONT wait resumes on fg.
					stopSelf()
					continue
				}
				// kill -TSTP from outside: release the terminal first,
				// as ctrl+z does, or the shell gets it in raw mode with
				// the alternate screen and mouse reporting on.
				s.suspending.Store(true)
				s.p.Send(tea.SuspendMsg{})
				continue
			}
			n, _ := sig.(syscall.Signal)
			if s.signal.CompareAndSwap(0, int32(n)) {
				// Quit, not Kill: Bubble Tea's kill path closes the
				// input while its reader may still use it (a data race).
				go s.p.Quit()
				continue
			}
			s.p.Kill() // a second signal: the program is not answering
		}
	}
}

// fail records a panic and ends the program; Run restores the terminal.
// The guard draws nothing and takes no message meanwhile.
func (s *session) fail(r any) {
	s.mu.Lock()
	first := s.panic == nil
	if first {
		s.panic = &PanicError{Value: r, Stack: debug.Stack()}
	}
	s.mu.Unlock()
	if first {
		go s.p.Quit() // not from here: this may be the event loop itself
	}
}

func (s *session) panicked() *PanicError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.panic
}

// wrap makes cmd's panics end the program cleanly, batch by batch.
func (s *session) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				s.fail(r)
				msg = nil
			}
		}()
		msg = cmd()
		switch m := msg.(type) {
		case tea.BatchMsg:
			out := make(tea.BatchMsg, len(m))
			for i, c := range m {
				out[i] = s.wrap(c)
			}
			return out
		case tea.SuspendMsg:
			s.suspending.Store(true)
		}
		return msg
	}
}

// guard is the model Bubble Tea runs: it catches what the model lets
// through, suspends on ctrl+z whatever has the focus, and turns mouse
// reporting back on after a resume (Bubble Tea does not).
type guard struct {
	inner tea.Model
	s     *session
}

func (g guard) failed() bool { return g.s.panicked() != nil }

func (g guard) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.s.fail(r)
			cmd = nil
		}
	}()
	return g.s.wrap(g.inner.Init())
}

func (g guard) Update(msg tea.Msg) (out tea.Model, cmd tea.Cmd) {
	if g.failed() {
		return g, nil
	}
	defer func() {
		if r := recover(); r != nil {
			g.s.fail(r)
			out, cmd = g, nil
		}
	}()
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, keymap.Suspend) {
			g.s.suspending.Store(true)
			return g, tea.Suspend
		}
	case tea.ResumeMsg:
		g.s.suspending.Store(false)
		var mouseOn tea.Cmd
		if g.s.mouse {
			mouseOn = tea.EnableMouseCellMotion
		}
		inner, c := g.inner.Update(msg)
		g.inner = inner
		return g, tea.Batch(mouseOn, tea.ClearScreen, g.s.wrap(c))
	}
	inner, c := g.inner.Update(msg)
	g.inner = inner
	return g, g.s.wrap(c)
}

func (g guard) View() (out string) {
	if g.failed() {
		return ""
	}
	defer func() {
		if r := recover(); r != nil {
			g.s.fail(r)
			out = ""
		}
	}()
	return g.inner.View()
}
