package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// run feeds msg to the root and keeps running the commands that follow,
// like Bubble Tea would, dropping slow ones (timers).
func run(t *testing.T, m *Model, msg tea.Msg) {
	t.Helper()
	queue := []tea.Msg{msg}
	for steps := 0; len(queue) > 0 && steps < 10000; steps++ {
		next := queue[0]
		queue = queue[1:]
		if b, ok := next.(tea.BatchMsg); ok {
			for _, c := range b {
				if r := quick(c); r != nil {
					queue = append(queue, r)
				}
			}
			continue
		}
		if _, ok := next.(tea.QuitMsg); ok {
			continue
		}
		_, cmd := m.Update(next)
		if r := quick(cmd); r != nil {
			queue = append(queue, r)
		}
	}
}

func quick(c tea.Cmd) tea.Msg {
	if c == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(300 * time.Millisecond):
		return nil
	}
}

func press(k string) tea.Msg { return viewtest.KeyMsg(k) }

func newRoot(t *testing.T, api views.API, w, h int, mod func(*views.Context)) *Model {
	t.Helper()
	ctx := viewtest.Context(api)
	if mod != nil {
		mod(ctx)
	}
	m := NewModel(ctx, DefaultOpener())
	run(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	run(t, m, quick(m.Init()))
	return m
}

func screen(m *Model) string { return ansi.Strip(m.View()) }

func fakeWithDetail() *viewtest.FakeAPI {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(40)}
	return api
}

func TestEscNeverQuitsAndGoesBackWithCursorKept(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 100, 30, nil)
	run(t, m, press("j"))
	run(t, m, press("j"))
	before := strings.Split(screen(m), "\n")[6]
	run(t, m, press("enter"))
	if got := screen(m); !strings.Contains(got, "Data sources › ") {
		t.Fatalf("enter should open the detail with a breadcrumb:\n%s", got)
	}
	run(t, m, press("esc"))
	if m.quitting || len(m.stack) != 1 {
		t.Fatal("esc should go back, not quit")
	}
	if after := strings.Split(screen(m), "\n")[6]; after != before {
		t.Errorf("cursor row not restored:\n%q\n%q", before, after)
	}
	run(t, m, press("esc"))
	if m.quitting {
		t.Fatal("esc at the top must never quit")
	}
}

func TestHelpAndQuit(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 100, 30, nil)
	run(t, m, press("?"))
	scr := screen(m)
	for _, want := range []string{"Keys for Data sources", "filter", "refresh", "quit"} {
		if !strings.Contains(scr, want) {
			t.Errorf("full help lacks %q:\n%s", want, scr)
		}
	}
	run(t, m, press("x"))
	if m.showHelp {
		t.Fatal("any key should close help")
	}
	_, cmd := m.Update(press("q"))
	if cmd == nil || quick(cmd) != (tea.QuitMsg{}) {
		t.Fatal("q should quit")
	}
}

func TestTypingInFilterDoesNotQuit(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 100, 30, nil)
	run(t, m, press("/"))
	run(t, m, press("q"))
	if m.quitting {
		t.Fatal("q typed into the filter quit the program")
	}
	if !strings.Contains(screen(m), "/q") {
		t.Errorf("q should be in the filter:\n%s", screen(m))
	}
}

func TestErrorStaysUntilDismissed(t *testing.T) {
	api := fakeWithDetail()
	api.ListErr = &apiclient.APIError{StatusCode: 401, Method: "GET", Path: "/dataSource", Message: "bad key"}
	m := newRoot(t, api, 100, 30, nil)
	scr := screen(m)
	if !strings.Contains(scr, "the API key was rejected (401)") || !strings.Contains(scr, "immuta.test") {
		t.Fatalf("401 not explained:\n%s", scr)
	}
	run(t, m, press("j"))
	if !strings.Contains(screen(m), "rejected") {
		t.Fatal("the error should stay until dismissed")
	}
	run(t, m, press("esc"))
	if strings.Contains(screen(m), "rejected") {
		t.Fatal("esc should dismiss the error")
	}
}

func TestReadOnlyHidesAndRefusesWrites(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 120, 30, func(c *views.Context) {
		c.ReadOnly = true
		c.Keys = c.Keys.WithoutWrites()
	})
	scr := screen(m)
	if !strings.Contains(scr, "READ-ONLY") {
		t.Error("no read-only badge")
	}
	lines := strings.Split(scr, "\n")
	if footer := lines[len(lines)-1]; strings.Contains(footer, "subscribe") || strings.Contains(footer, "disable/delete") {
		t.Errorf("write keys still in the footer: %s", footer)
	}
	for _, k := range []string{"s", "D", "c", "u"} {
		run(t, m, press(k))
		if m.modal != nil {
			t.Fatalf("%s opened a dialog in read-only mode", k)
		}
		if !strings.Contains(screen(m), "read-only") {
			t.Errorf("%s: no read-only message", k)
		}
	}
	if api := m.ctx.API.(*viewtest.FakeAPI); strings.Contains(strings.Join(api.Calls, " "), "delete") {
		t.Fatal("a write was attempted")
	}
}

func TestTooSmall(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 30, 6, nil)
	if !strings.Contains(screen(m), "Terminal too small") {
		t.Fatalf("got:\n%s", screen(m))
	}
	run(t, m, tea.WindowSizeMsg{Width: 80, Height: 20})
	if !strings.Contains(screen(m), "Clickstream 00004") {
		t.Fatal("the list should come back after growing")
	}
}

func TestEveryFrameFitsTheTerminal(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 100, 30, nil)
	for _, size := range [][2]int{{100, 30}, {60, 15}, {40, 8}, {200, 60}} {
		run(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		out := m.View()
		lines := strings.Split(out, "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		viewtest.CheckBounds(t, out, size[0], size[1])
	}
}

// A reply addressed to one view never reaches another of the same type:
// the root routes each command's result to the view that issued it.
func TestRepliesGoToTheViewThatAsked(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 100, 30, nil)
	first := m.top().id
	run(t, m, press("enter"))
	if m.top().id == first {
		t.Fatal("detail not pushed")
	}
	// A late page for the list arrives while the detail is on top: the
	// list gets it, the detail does not break.
	run(t, m, routed{to: first, msg: views.StatusMsg{Text: "hello"}})
	if !strings.Contains(screen(m), "hello") {
		t.Fatal("root message from a background view not handled")
	}
	gone := m.top().id
	run(t, m, press("esc"))
	run(t, m, routed{to: gone, msg: tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")}})
	if len(m.stack) != 1 {
		t.Fatal("a message for a closed view changed the stack")
	}
}

func TestModalTakesKeysAndEscCloses(t *testing.T) {
	api := fakeWithDetail()
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
		return nil, errors.New("should not be called")
	}
	m := newRoot(t, api, 100, 30, nil)
	run(t, m, press("s"))
	if m.modal == nil {
		t.Fatal("s should open the subscribe dialog")
	}
	run(t, m, press("q"))
	if m.quitting {
		t.Fatal("q in a dialog must not quit")
	}
	run(t, m, press("esc"))
	if m.modal != nil {
		t.Fatal("esc should close the dialog")
	}
	if strings.Contains(strings.Join(api.Calls, " "), "subscribe") {
		t.Fatal("cancelled dialog sent a request")
	}
}

func TestGoldenHome(t *testing.T) {
	ctx := viewtest.Context(fakeWithDetail())
	m := NewModel(ctx, DefaultOpener())
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "40 of 40 loaded") },
		teatest.WithDuration(5*time.Second))
	tm.Send(press("?"))
	tm.Send(press("x"))
	tm.Send(press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	m.quitting = false // the final frame is blank on quit; compare the last screen
	teatest.RequireEqualOutput(t, []byte(m.View()))
}

type panicky struct{ inner views.View }

func (p panicky) Init() tea.Cmd             { return nil }
func (p panicky) View() string              { return p.inner.View() }
func (p panicky) SetSize(w, h int)          { p.inner.SetSize(w, h) }
func (p panicky) Title() string             { return p.inner.Title() }
func (p panicky) ShortHelp() []key.Binding  { return nil }
func (p panicky) FullHelp() [][]key.Binding { return nil }
func (p panicky) CapturesInput() bool       { return false }

func (p panicky) Update(msg tea.Msg) (views.View, tea.Cmd) {
	if _, ok := msg.(tea.KeyMsg); ok {
		panic("boom")
	}
	return p, nil
}

func TestPanicBecomesAnErrorLine(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 100, 30, nil)
	m.stack[0].v = panicky{m.stack[0].v}
	run(t, m, press("j"))
	if !strings.Contains(screen(m), "internal error: boom") {
		t.Fatalf("panic not reported:\n%s", screen(m))
	}
	// A panicking command is caught too.
	run(t, m, quick(tag(m.top().id, func() tea.Msg { panic("in a command") })))
	if !strings.Contains(screen(m), "in a command") {
		t.Fatal("panic in a command not reported")
	}
}

func TestKeysReadTogetherAreTakenOneByOne(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 100, 30, nil)
	run(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/web")})
	if !m.top().v.CapturesInput() || !strings.Contains(screen(m), "/web") {
		t.Fatalf("\"/web\" read at once should open the filter and type web:\n%s", screen(m))
	}
	run(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" sales"), Paste: true})
	if !strings.Contains(screen(m), "/web sales") {
		t.Fatalf("a paste should go into the filter whole:\n%s", screen(m))
	}
}

func TestKeyAfterClosingADialogReachesTheList(t *testing.T) {
	m := newRoot(t, fakeWithDetail(), 100, 30, nil)
	run(t, m, press("s"))
	old := m.modal.id
	// esc closes the dialog at once: the next key is the list's.
	m.Update(press("esc"))
	if m.modal != nil {
		t.Fatal("dialog still open right after esc")
	}
	run(t, m, press("s"))
	run(t, m, routed{to: old, msg: views.CloseModalMsg{}})
	if m.modal == nil {
		t.Fatal("a late close from the old dialog closed the new one")
	}
}
