package viewtest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
)

type (
	slowMsg  struct{}
	quickMsg struct{ n int }
)

// A command slower than the old driver's 250 ms guess at a timer is run
// to completion, by Collect, CollectAll and the driver alike; only what is
// a timer by type is held back.
func TestSlowCommandsAreNotDropped(t *testing.T) {
	slow := func() tea.Msg { time.Sleep(300 * time.Millisecond); return slowMsg{} } // a slow request, not a wait for one
	cmd := tea.Batch(
		views.Track("slow", slow),
		func() tea.Msg { return quickMsg{1} },
		views.Emit(views.RequestDoneMsg{Msg: quickMsg{2}}),
		tea.Tick(time.Hour, func(time.Time) tea.Msg { return quickMsg{3} }),
	)
	for name, collect := range map[string]func(tea.Cmd) []tea.Msg{"Collect": Collect, "CollectAll": CollectAll} {
		got := collect(cmd)
		if len(got) != 3 || got[0] != (quickMsg{1}) || got[1] != (quickMsg{2}) || got[2] != (slowMsg{}) {
			t.Errorf("%s = %#v, want both quick messages, then the slow one, and no timer", name, got)
		}
	}
	if got := CollectAll(nil); got != nil {
		t.Errorf("CollectAll(nil) = %#v", got)
	}

	v := &echoView{}
	d := New(t, v, 10, 2)
	v.got = nil // what Init asked for
	d.Run(tea.Batch(slow, tea.Tick(time.Hour, func(time.Time) tea.Msg { return quickMsg{3} })))
	if len(v.got) != 1 || v.got[0] != (slowMsg{}) {
		t.Errorf("the view got %#v, want the slow command's message", v.got)
	}
	if len(d.Timers) != 1 {
		t.Errorf("%d timers held, want the hour-long one", len(d.Timers))
	}
}

// tickSoon makes a timer from another function (which the compiler may
// inline): it is still told by what it runs.
func tickSoon(msg tea.Msg) tea.Cmd {
	return tea.Tick(time.Nanosecond, func(time.Time) tea.Msg { return msg })
}

func TestTimersAreToldByTypeAndFiredOnRequest(t *testing.T) {
	in := textinput.New()
	for name, c := range map[string]tea.Cmd{
		"tea.Tick":     tickSoon(quickMsg{1}),
		"tea.Every":    tea.Every(time.Nanosecond, func(time.Time) tea.Msg { return quickMsg{1} }),
		"cursor blink": in.Focus(),
	} {
		if !IsTimer(c) {
			t.Errorf("%s is not taken for a timer", name)
		}
	}
	for name, c := range map[string]tea.Cmd{
		"plain":   func() tea.Msg { return quickMsg{1} },
		"tracked": views.Track("x", func() tea.Msg { return nil }),
		"batch":   tea.Batch(func() tea.Msg { return nil }, func() tea.Msg { return nil }),
	} {
		if IsTimer(c) {
			t.Errorf("%s is taken for a timer", name)
		}
	}

	v := &echoView{}
	d := New(t, v, 10, 2)
	v.got = nil // what Init asked for
	d.Run(tickSoon(quickMsg{7}))
	if len(v.got) != 0 || len(d.Timers) != 1 {
		t.Fatalf("a timer ran before it was fired: got %#v, %d held", v.got, len(d.Timers))
	}
	d.FireTimers()
	if len(v.got) != 1 || v.got[0] != (quickMsg{7}) || len(d.Timers) != 0 {
		t.Fatalf("after FireTimers the view got %#v, %d held", v.got, len(d.Timers))
	}
}

// fatalT records the failure a driver reports, and stops the goroutine
// that reported it as testing.T does.
type fatalT struct {
	testing.TB
	msg string
}

func (f *fatalT) Helper() {}
func (f *fatalT) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// A command that never returns fails the test and is named, with the
// request it was; Collect panics the same way.
func TestLostCommandFailsTheTestByName(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	stuck := func() tea.Msg { <-release; return nil }

	ft := &fatalT{TB: t}
	d := &Driver{T: ft, V: &echoView{}, Patience: 20 * time.Millisecond}
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(views.Track("loading data sources", stuck))
	}()
	<-done
	if !strings.Contains(ft.msg, `request "loading data sources"`) || !strings.Contains(ft.msg, "TestLostCommandFailsTheTestByName") {
		t.Errorf("failure = %q, want the request's label and the function", ft.msg)
	}

	old := Patience
	Patience = 20 * time.Millisecond
	defer func() { Patience = old }()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "did not return") {
			t.Errorf("Collect recovered %v, want a panic naming the lost command", r)
		}
	}()
	Collect(stuck)
}

func TestSeed(t *testing.T) {
	var r apiclient.VisibilityReport
	Seed(t, "my_visibility_report.json", &r)
	if r.DataSource != 16 || r.DataSourceName != "Web Sales" {
		t.Errorf("seed read as %+v", r)
	}
	if len(SeedBytes(t, "get_22.json")) == 0 {
		t.Error("no bytes")
	}
}

func TestUnimplemented(t *testing.T) {
	var api views.API = Unimplemented{}
	if _, err := api.GetDataSource(context.Background(), 1); !errors.Is(err, ErrNotImplemented) {
		t.Errorf("err = %v", err)
	}
}

// echoView records what reaches it and asks for one tracked request.
type echoView struct {
	got  []tea.Msg
	w, h int
}

func (v *echoView) Init() tea.Cmd {
	return views.Track("load", func() tea.Msg {
		return tea.BatchMsg{views.Emit(quickMsg{1}), views.Error("x", errors.New("boom"))}
	})
}
func (v *echoView) Update(msg tea.Msg) (views.View, tea.Cmd) {
	v.got = append(v.got, msg)
	return v, nil
}
func (v *echoView) View() string              { return "" }
func (v *echoView) SetSize(w, h int)          { v.w, v.h = w, h }
func (v *echoView) Title() string             { return "" }
func (v *echoView) ShortHelp() []key.Binding  { return nil }
func (v *echoView) FullHelp() [][]key.Binding { return nil }
func (v *echoView) CapturesInput() bool       { return false }

func TestHarness(t *testing.T) {
	v := &echoView{}
	h := &Harness{V: v}
	h.Update(tea.WindowSizeMsg{Width: 30, Height: 4})
	if v.w != 30 || v.h != 4 {
		t.Fatalf("size %dx%d", v.w, v.h)
	}
	// The tracked request is run and its result (a batch) handed back; the
	// error in it is the root's.
	drain(h.Init(), 0, nil, nil, func(msg tea.Msg) []job {
		if b, ok := msg.(tea.BatchMsg); ok { // Bubble Tea runs batches itself
			return jobs(b...)
		}
		_, cmd := h.Update(msg)
		return []job{{cmd: cmd}}
	})
	if h.Done != 1 {
		t.Errorf("Done = %d, want 1", h.Done)
	}
	if len(v.got) != 1 || v.got[0] != (quickMsg{1}) {
		t.Errorf("the view got %#v", v.got)
	}
	// Once Ready, the harness quits.
	h.Ready = func() bool { return true }
	if _, cmd := h.Update(quickMsg{2}); cmd == nil || cmd() != tea.Quit() {
		t.Error("a ready harness did not quit")
	}
}
