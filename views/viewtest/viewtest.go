// Package viewtest drives a view synchronously in unit tests: it runs the
// commands a view returns, feeds their messages back, and records what the
// view asked the root for.
package viewtest

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

// Now is the fixed clock of test contexts.
var Now = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// Context returns a views.Session for tests, with plain (colourless) styles
// and the clock stopped at Now.
func Context(api views.API) *views.Session { return ContextAt(api, Now) }

// ContextAt is Context with the clock stopped at now.
func ContextAt(api views.API, now time.Time) *views.Session {
	lipgloss.SetColorProfile(termenv.Ascii)
	return &views.Session{
		API: api, Keys: keymap.Default(), Styles: styles.New(styles.Default), Host: "immuta.test",
		Settings: views.Settings{Profile: "test", PageSize: 100, Concurrency: 4, Timeout: 10 * time.Second},
		Now:      func() time.Time { return now },
	}
}

// Driver runs a view's commands synchronously.
type Driver struct {
	T       testing.TB
	V       views.View
	Emitted []tea.Msg // messages meant for the root (navigation, status, errors)
	// Timers are the timer commands (see IsTimer) the view asked for and
	// that have not fired: the driver has no clock, so they wait for
	// FireTimers.
	Timers []tea.Cmd
	// Patience is how long one command may run before the test fails,
	// naming it (default: the package's Patience).
	Patience time.Duration
}

// New sizes v, runs its Init and everything that follows.
func New(t testing.TB, v views.View, w, h int) *Driver {
	d := &Driver{T: t, V: v}
	v.SetSize(w, h)
	d.Run(v.Init())
	return d
}

// Run executes cmd and every command that follows from it, each to
// completion, except timers, which are kept in Timers. A command still
// running after Patience fails the test, naming it.
func (d *Driver) Run(cmd tea.Cmd) {
	d.T.Helper()
	patience := d.Patience
	if patience <= 0 {
		patience = Patience
	}
	var lost string
	drain(cmd, patience, func(j job) { lost = j.lost(patience) },
		func(c tea.Cmd) { d.Timers = append(d.Timers, c) }, d.deliver)
	if lost != "" {
		d.T.Fatal(lost)
	}
}

// FireTimers runs the timers waiting in Timers (each waits out its own
// duration) and delivers what they answer; the timers that follow wait
// for the next call. A cursor blink or spinner tick is dropped: each one
// asks for the next, for ever.
func (d *Driver) FireTimers() {
	d.T.Helper()
	timers := d.Timers
	d.Timers = nil
	for _, t := range timers {
		msg := t()
		if msg == nil || isTimerMsg(msg) {
			continue
		}
		d.Run(func() tea.Msg { return msg })
	}
}

func (d *Driver) deliver(msg tea.Msg) []job {
	if cmds, ok := expand(msg); ok {
		return cmds
	}
	if done, ok := msg.(views.RequestDoneMsg); ok {
		msg = done.Msg
	}
	msg, ok := current(msg)
	if !ok {
		return nil // a stale reply (views.Latest), dropped as the root does
	}
	if _, ok := expand(msg); ok {
		return d.deliver(msg)
	}
	switch {
	case forRoot(msg):
		d.Emitted = append(d.Emitted, msg)
		return nil
	case isTimerMsg(msg):
		return nil // blink and tick loops would never end
	}
	v, cmd := d.V.Update(msg)
	d.V = v
	return []job{{cmd: cmd}}
}

// Send delivers msg to the view and runs what follows.
func (d *Driver) Send(msg tea.Msg) {
	d.T.Helper()
	v, cmd := d.V.Update(msg)
	d.V = v
	d.Run(cmd)
}

// Key sends key presses: any key name a binding holds ("enter", "esc",
// "up", "tab", "space", "ctrl+s", "pgdown", "f5", "alt+x"...), or runes
// typed one by one.
func (d *Driver) Key(keys ...string) {
	d.T.Helper()
	for _, k := range keys {
		d.Send(KeyMsg(k))
	}
}

// Press sends the first key of each binding: a test presses what the
// keymap binds (k.Accept, k.Back), so it follows the bindings.
func (d *Driver) Press(bs ...key.Binding) {
	d.T.Helper()
	for _, b := range bs {
		if len(b.Keys()) == 0 {
			d.T.Fatalf("press: binding %q has no keys", b.Help().Desc)
		}
		d.Send(KeyMsg(b.Keys()[0]))
	}
}

// Type types text, one rune at a time.
func (d *Driver) Type(s string) {
	d.T.Helper()
	for _, r := range s {
		d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// keyTypes maps Bubble Tea's key names to their types: the names bindings
// use are the names tea.KeyMsg.String gives, so the table is Bubble Tea's
// own (KeyType.String), not a copy.
var keyTypes = func() map[string]tea.KeyType {
	out := map[string]tea.KeyType{}
	for t := tea.KeyType(-256); t <= 255; t++ {
		if n := t.String(); n != "" && t != tea.KeyRunes {
			out[n] = t
		}
	}
	out["space"] = tea.KeySpace // its name is " "; config files write "space"
	return out
}()

// KeyMsg builds the message for a key name, as key.Matches sees it:
// KeyMsg(k).String() == k.
func KeyMsg(k string) tea.KeyMsg {
	alt := false
	if rest, ok := strings.CutPrefix(k, "alt+"); ok && rest != "" {
		alt, k = true, rest
	}
	if t, ok := keyTypes[k]; ok {
		if t == tea.KeySpace {
			return tea.KeyMsg{Type: t, Runes: []rune{' '}, Alt: alt}
		}
		return tea.KeyMsg{Type: t, Alt: alt}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k), Alt: alt}
}

// Screen is the view's output without escape codes.
func (d *Driver) Screen() string { return ansi.Strip(d.V.View()) }

// Last returns the last emitted message of type T.
func Last[T any](d *Driver) (T, bool) {
	for i := len(d.Emitted) - 1; i >= 0; i-- {
		if m, ok := d.Emitted[i].(T); ok {
			return m, true
		}
	}
	var zero T
	return zero, false
}

// CheckBounds fails when the view draws wider or taller than w×h, or lets
// an escape sequence other than styling (SGR) through. An empty view fits
// any size.
func CheckBounds(t testing.TB, out string, w, h int) {
	t.Helper()
	if out == "" {
		return
	}
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, more than the height %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d wide, more than %d: %q", i, lw, w, ansi.Strip(l))
		}
	}
	plain := ansi.Strip(out)
	if strings.ContainsAny(plain, "\x1b\x07\u009b\u202e") {
		t.Errorf("control characters reached the screen: %q", plain)
	}
}
