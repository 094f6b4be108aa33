// Package pager is the scrolling part of a read-only view: a viewport that
// the keymap's movement keys and the mouse wheel scroll, drawn never larger
// than its size, and the help entries that go with it. The view keeps its
// data and lays out the content; the pager shows it.
package pager

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/format"
)

// WheelLines is how many lines one notch of the mouse wheel scrolls.
const WheelLines = 3

// Wheel says how far a mouse event scrolls: -WheelLines for a press of the
// wheel up, WheelLines down, 0 for anything else.
func Wheel(msg tea.MouseMsg) int {
	if msg.Action != tea.MouseActionPress {
		return 0
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		return -WheelLines
	case tea.MouseButtonWheelDown:
		return WheelLines
	}
	return 0
}

// Model is a scrollable page of laid-out lines. Make it with New.
type Model struct {
	keys *keymap.KeyMap
	vp   viewport.Model
	w, h int
}

// New makes an empty page scrolled by keys (the shared context's, read when
// a key arrives).
func New(keys *keymap.KeyMap) Model {
	vp := viewport.New(0, 0)
	vp.MouseWheelEnabled = false // Update scrolls by Wheel
	return Model{keys: keys, vp: vp}
}

// Width is the width the content must be laid out for.
func (p *Model) Width() int { return p.w }

// SetSize sets the size the page draws in (negative sizes count as 0). It
// reports whether the width changed: the content must then be laid out
// again and given to SetContent. Otherwise the scroll position is kept
// within the content.
func (p *Model) SetSize(w, h int) (widthChanged bool) {
	w, h = max(w, 0), max(h, 0)
	widthChanged = w != p.w
	p.w, p.h = w, h
	p.vp.Width, p.vp.Height = w, h
	if !widthChanged {
		p.vp.SetYOffset(p.vp.YOffset)
	}
	return widthChanged
}

// SetContent replaces the lines shown (laid out for Width), keeping the
// scroll position where the new content allows.
func (p *Model) SetContent(s string) { p.vp.SetContent(s) }

// Offset is the first line shown.
func (p *Model) Offset() int { return p.vp.YOffset }

// GotoTop scrolls to the first line.
func (p *Model) GotoTop() { p.vp.GotoTop() }

// Update scrolls for the movement keys (Up, Down, PageUp, PageDown, Top,
// Bottom) and the mouse wheel. It reports whether msg was one of them; the
// view handles everything else.
func (p *Model) Update(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		k := p.keys
		switch {
		case key.Matches(msg, k.Up):
			p.vp.ScrollUp(1)
		case key.Matches(msg, k.Down):
			p.vp.ScrollDown(1)
		case key.Matches(msg, k.PageUp):
			p.vp.PageUp()
		case key.Matches(msg, k.PageDown):
			p.vp.PageDown()
		case key.Matches(msg, k.Top):
			p.vp.GotoTop()
		case key.Matches(msg, k.Bottom):
			p.vp.GotoBottom()
		default:
			return false
		}
		return true
	case tea.MouseMsg:
		switch d := Wheel(msg); {
		case d < 0:
			p.vp.ScrollUp(-d)
		case d > 0:
			p.vp.ScrollDown(d)
		}
		return true
	}
	return false
}

// View draws the visible lines, never more than the size given.
func (p *Model) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	return format.Clip(p.vp.View(), p.w, p.h)
}

// Scrollable reports whether the content is taller than the page.
func (p *Model) Scrollable() bool { return p.vp.TotalLineCount() > p.vp.Height }

// ShortHelp is the footer: up, down and page down while there is something
// to scroll, then actions.
func (p *Model) ShortHelp(actions ...key.Binding) []key.Binding {
	var out []key.Binding
	if p.Scrollable() {
		k := p.keys
		out = append(out, k.Up, k.Down, k.PageDown)
	}
	return append(out, actions...)
}

// FullHelp is the ? help: every movement key while there is something to
// scroll, then the actions as a group of their own.
func (p *Model) FullHelp(actions ...key.Binding) [][]key.Binding {
	var out [][]key.Binding
	if p.Scrollable() {
		k := p.keys
		out = append(out, []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom})
	}
	return append(out, actions)
}

// relabel returns a copy of b with another help text.
func relabel(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// RawToggle is the raw JSON key (keymap's Raw) labelled for what it does
// now: "raw JSON" from the readable view, "readable view" from the raw one.
func RawToggle(raw key.Binding, showingRaw bool) key.Binding {
	if showingRaw {
		return relabel(raw, "readable view")
	}
	return relabel(raw, "raw JSON")
}
