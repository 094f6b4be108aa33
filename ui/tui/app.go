// Package tui is the root of the TUI: a stack of views with one modal slot,
// the header (profile, host, breadcrumb), the status line and the help
// footer. Views talk to it only through the messages in package views.
package tui

import (
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/pager"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// Smallest terminal the layout works in.
const minWidth, minHeight = 40, 8

// entry is a view on the stack with the id its commands are tagged with.
type entry struct {
	id int
	v  views.View
	// src names the data source the view was opened for (0: none), so
	// that the breadcrumb names it: Data sources › Name › Access.
	src     int64
	srcName string
}

// Model is the root model.
type Model struct {
	sess   *views.Session
	open   Opener
	stack  []entry
	modal  *entry
	nextID int

	w, h int

	spin     spinner.Model
	busy     int
	busyText string

	status      string
	statusLevel views.Level
	statusID    int
	errText     string // stays until dismissed

	help     help.Model
	showHelp bool
	helpPage pager.Model // the ? help's lines, scrolled (help.go)
	quitting bool

	clip io.Writer // where copies write OSC 52 (SetClipboard)

	cl commandState // the : command line and the server filters (command.go)
}

// Opener builds the views the root opens on request. Package tui wires the
// real ones; tests may replace them.
type Opener struct {
	Home       func(*views.Session) views.View
	Source     func(sess *views.Session, id int64, name string) views.View
	Access     func(sess *views.Session, id int64, name string) views.View
	User       func(sess *views.Session, id int64, name string, u apiclient.AccessUser) views.View
	Visibility func(sess *views.Session, id int64, name string) views.View
	// Requests is the inbox of pending access requests (sourceID 0: all).
	Requests func(sess *views.Session, sourceID int64, sourceName string) views.View
	// Columns is a source's data dictionary.
	Columns func(sess *views.Session, id int64, name string) views.View
	// RequestLog is the session's request log.
	RequestLog func(sess *views.Session) views.View
}

// NewModel returns the root with home as its first view.
func NewModel(sess *views.Session, open Opener) *Model {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(sess.Styles.Accent))
	h := help.New()
	h.Styles.ShortKey = sess.Styles.Accent
	h.Styles.FullKey = sess.Styles.Accent
	h.Styles.ShortDesc = sess.Styles.Muted
	h.Styles.FullDesc = sess.Styles.Muted
	h.Styles.ShortSeparator = sess.Styles.Subtle
	h.Styles.FullSeparator = sess.Styles.Subtle
	m := &Model{sess: sess, open: open, spin: sp, help: h, helpPage: pager.New(&sess.Keys)}
	m.push(open.Home(sess))
	return m
}

func (m *Model) push(v views.View) *entry {
	m.nextID++
	m.stack = append(m.stack, entry{id: m.nextID, v: v})
	w, h := m.bodySize()
	v.SetSize(w, h)
	return &m.stack[len(m.stack)-1]
}

func (m *Model) top() *entry { return &m.stack[len(m.stack)-1] }

// Init starts the home view.
func (m *Model) Init() tea.Cmd {
	e := m.top()
	return tag(e.id, e.v.Init())
}

// routed is a message produced by a view's command, addressed back to it.
type routed struct {
	to  int
	msg tea.Msg
}

// tag makes cmd's result come back addressed to view id. Batches are
// tagged command by command.
func tag(id int, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (out tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				out = routed{to: id, msg: views.ErrorMsg{What: "internal error", Err: panicError(r)}}
			}
		}()
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			out := make(tea.BatchMsg, 0, len(b))
			for _, c := range b {
				if c != nil {
					out = append(out, tag(id, c))
				}
			}
			return out
		}
		if msg == nil {
			return nil
		}
		return routed{to: id, msg: msg}
	}
}

func (m *Model) find(id int) *entry {
	if m.modal != nil && m.modal.id == id {
		return m.modal
	}
	for i := range m.stack {
		if m.stack[i].id == id {
			return &m.stack[i]
		}
	}
	return nil
}

// updateView runs one view's Update and tags its commands. A modal that
// says, after any update (a key, a reply, a broadcast), that it has
// closed is closed at once: the next key goes to the view below.
func (m *Model) updateView(e *entry, msg tea.Msg) tea.Cmd {
	v, cmd := e.v.Update(msg)
	e.v = v
	if e == m.modal {
		if c, ok := v.(views.Closing); ok && c.Closed() {
			m.closeModal()
		}
	}
	return tag(e.id, cmd)
}

// Update handles msg. A panic in a view becomes an error line instead of
// a stack trace over the user's terminal; the program keeps running.
func (m *Model) Update(msg tea.Msg) (_ tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			m.errText = errorLine("internal error", panicError(r), "")
			cmd = nil
		}
	}()
	return m, m.update(msg)
}

// panicError turns a recovered value into an error, logging the stack for
// --debug (the log never reaches the terminal).
func panicError(r any) error {
	slog.Error("panic", "value", fmt.Sprint(r), "stack", string(debug.Stack()))
	return fmt.Errorf("%v (please report it; details are in the debug log)", r)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	if cmd, ok := m.onCommandMsg(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.help.Width = msg.Width
		m.resize()
		return nil
	case routed:
		return m.onRouted(msg)
	case spinner.TickMsg:
		if m.busy == 0 {
			return nil // stop ticking while idle
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return cmd
	case clearStatusMsg:
		if msg.id == m.statusID {
			m.status = ""
		}
		return nil
	case tea.KeyMsg:
		// No text field echoes a bidi override or a control character,
		// whoever typed or pasted it.
		msg = safe.Typed(msg)
		if msg.Type == tea.KeyRunes && len(msg.Runes) == 0 {
			return nil
		}
		// A busy machine can deliver several typed keys in one read, which
		// Bubble Tea reports as one multi-rune key ("/w" matches no
		// binding). Take them one at a time; a paste stays whole.
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmds = append(cmds, m.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
			}
			return tea.Batch(cmds...)
		}
		return m.onKey(msg)
	case tea.MouseMsg:
		return m.onMouse(msg)
	}
	return nil
}

// statusTTL is how long a status message stays; errors stay until esc.
const statusTTL = 6 * time.Second

type clearStatusMsg struct{ id int }

func (m *Model) setStatus(text string, l views.Level) tea.Cmd {
	m.statusID++
	m.status, m.statusLevel = text, l
	id := m.statusID
	return tea.Tick(statusTTL, func(time.Time) tea.Msg { return clearStatusMsg{id} })
}

// onRouted handles a message a view's command produced: root requests are
// acted on here, everything else goes back to that view only.
func (m *Model) onRouted(r routed) tea.Cmd {
	switch msg := r.msg.(type) {
	case views.RequestStartMsg:
		m.busy++
		m.busyText = msg.Label
		run, label := msg.Run, msg.Label
		cmds := []tea.Cmd{tag(r.to, func() tea.Msg { return views.RequestDoneMsg{Label: label, Msg: run()} })}
		if m.busy == 1 {
			cmds = append(cmds, m.spin.Tick)
		}
		return tea.Batch(cmds...)
	case tea.BatchMsg:
		// A request that answers several messages: run each, still
		// addressed to the view that asked.
		cmds := make([]tea.Cmd, len(msg))
		for i, c := range msg {
			cmds[i] = tag(r.to, c)
		}
		return tea.Batch(cmds...)
	case views.RequestDoneMsg:
		m.busy = max(m.busy-1, 0)
		if msg.Msg == nil {
			return nil
		}
		return m.onRouted(routed{to: r.to, msg: msg.Msg})
	case views.LatestMsg:
		// The one place stale replies are dropped: a newer command of
		// the same slot has been made since this one (views.Slot).
		if inner, ok := msg.Current(); ok && inner != nil {
			return m.onRouted(routed{to: r.to, msg: inner})
		}
		return nil
	case views.PushMsg:
		e := m.push(msg.V)
		return tag(e.id, msg.V.Init())
	case views.PopMsg:
		m.pop()
		return nil
	case views.OpenModalMsg:
		if m.find(r.to) == nil {
			// The view that asked has been closed (esc during a slow
			// check): its dialog would act on a screen no longer shown.
			if c, ok := msg.M.(views.Closer); ok {
				c.Close() // ends its write flow
			}
			return m.setStatus(safe.Line(msg.M.Title())+": not opened, its view was closed", views.Warn)
		}
		if m.modal != nil && m.modal.id != r.to {
			// One modal at a time, and only a modal may replace itself
			// (a result's undo). A dialog that arrives late (a slow
			// check) never takes the place of one the user is reading,
			// confirming or waiting on: it is dropped with a word.
			if c, ok := msg.M.(views.Closer); ok {
				c.Close() // ends its write flow
			}
			return m.setStatus(safe.Line(msg.M.Title())+": not opened while another dialog is open", views.Warn)
		}
		m.closeModal()
		m.nextID++
		m.modal = &entry{id: m.nextID, v: msg.M}
		w, h := m.bodySize()
		msg.M.SetSize(w, h)
		cmd := tag(m.modal.id, msg.M.Init())
		if c, ok := msg.M.(views.Closing); ok && c.Closed() {
			// Done before it was shown (a copy menu whose letter was
			// typed before it opened): its Init's commands still run.
			m.closeModal()
		}
		return cmd
	case views.StatusMsg:
		return m.setStatus(msg.Text, msg.Level)
	case views.ErrorMsg:
		m.errText = errorLine(msg.What, msg.Err, m.sess.Host)
		return nil
	case views.OpenSourceMsg:
		return m.openFor(m.open.Source(m.sess, msg.ID, msg.Name), msg.ID, "")
	case views.OpenAccessMsg:
		return m.openFor(m.open.Access(m.sess, msg.ID, msg.Name), msg.ID, msg.Name)
	case views.OpenMyVisibilityMsg:
		return m.openFor(m.open.Visibility(m.sess, msg.ID, msg.Name), msg.ID, msg.Name)
	case views.OpenUserViewMsg:
		return m.openFor(m.open.User(m.sess, msg.ID, msg.Name, msg.User), msg.ID, msg.Name)
	case views.OpenRequestsMsg:
		if m.open.Requests == nil {
			return nil
		}
		return m.openFor(m.open.Requests(m.sess, msg.SourceID, msg.SourceName), msg.SourceID, msg.SourceName)
	case views.OpenColumnsMsg:
		if m.open.Columns == nil {
			return nil
		}
		return m.openFor(m.open.Columns(m.sess, msg.ID, msg.Name), msg.ID, msg.Name)
	case views.OpenRequestLogMsg:
		return m.openRequestLog()
	case views.CopyMsg:
		return m.copyText(msg)
	case views.SourceChangedMsg, views.SourceRemovedMsg, views.SourcesAddedMsg, views.AccessChangedMsg,
		views.RequestsDecidedMsg, views.TagsChangedMsg:
		return m.broadcast(msg)
	case tea.QuitMsg:
		return m.quit()
	}
	if e := m.find(r.to); e != nil {
		return m.updateView(e, r.msg)
	}
	return nil // the view has gone; its late answer is dropped
}

// openRequestLog opens the request log, unless it is the screen shown.
func (m *Model) openRequestLog() tea.Cmd {
	if _, ok := m.top().v.(interface{ IsRequestLog() }); ok || m.open.RequestLog == nil {
		return nil
	}
	return m.open1(m.open.RequestLog(m.sess))
}

// openFor opens v for source id: the breadcrumb names the source (name)
// before v's title, unless a view below already does (the detail).
func (m *Model) openFor(v views.View, id int64, name string) tea.Cmd {
	if v == nil {
		return nil
	}
	e := m.push(v)
	e.src, e.srcName = id, name
	return tag(e.id, v.Init())
}

func (m *Model) open1(v views.View) tea.Cmd {
	if v == nil {
		return nil
	}
	e := m.push(v)
	return tag(e.id, v.Init())
}

// broadcast sends a data change to every view, so the list, the detail and
// the modal all show it at once.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i := range m.stack {
		cmds = append(cmds, m.updateView(&m.stack[i], msg))
	}
	if m.modal != nil {
		cmds = append(cmds, m.updateView(m.modal, msg))
	}
	return tea.Batch(cmds...)
}

func (m *Model) pop() {
	if len(m.stack) <= 1 {
		return
	}
	if c, ok := m.top().v.(views.Closer); ok {
		c.Close()
	}
	m.stack = m.stack[:len(m.stack)-1]
	w, h := m.bodySize()
	m.top().v.SetSize(w, h) // the terminal may have changed meanwhile
}

func (m *Model) closeModal() {
	if m.modal == nil {
		return
	}
	if c, ok := m.modal.v.(views.Closer); ok {
		c.Close()
	}
	m.modal = nil
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	m.closeModal()
	for _, e := range m.stack {
		if c, ok := e.v.(views.Closer); ok {
			c.Close() // stops background page loads
		}
	}
	return tea.Quit
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	k := m.sess.Keys
	if key.Matches(msg, keymap.ForceQuit) {
		return m.quit()
	}
	if m.cl.open != nil {
		return m.commandKey(msg)
	}
	if m.modal != nil {
		return m.updateView(m.modal, msg)
	}
	if m.showHelp {
		return m.helpKey(msg)
	}
	top := m.top()
	if top.v.CapturesInput() {
		return m.updateView(top, msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.showHelp = true
		m.resize()
		return nil
	case key.Matches(msg, k.Back):
		if m.errText != "" {
			m.errText = ""
			return nil
		}
		if b, ok := top.v.(views.Backer); ok {
			if cmd, used := b.Back(); used {
				return tag(top.id, cmd)
			}
		}
		m.pop()
		return nil
	case key.Matches(msg, k.RequestLog):
		return m.openRequestLog()
	case key.Matches(msg, k.Command):
		return m.openCommand()
	}
	if m.sess.ReadOnly {
		// The list's writes, on every screen (keymap's conflict check
		// knows: a read bound to one of these keys elsewhere is refused);
		// the access view, the inbox and the detail's tags say it for
		// their own writes, so another screen may use those keys to read.
		for _, b := range m.sess.Keys.WriteKeys() {
			if key.Matches(msg, b) {
				return m.setStatus("read-only mode: writes are disabled", views.Warn)
			}
		}
	}
	return m.updateView(top, msg)
}

func (m *Model) onMouse(msg tea.MouseMsg) tea.Cmd {
	if m.showHelp {
		m.helpMouse(msg)
		return nil
	}
	msg.Y -= m.headerHeight()
	if msg.Y < 0 {
		return nil
	}
	if m.modal != nil {
		return m.updateView(m.modal, msg)
	}
	return m.updateView(m.top(), msg)
}

// Layout.

func (m *Model) headerHeight() int {
	if m.sess.Protected {
		return 4 // framed
	}
	return 2
}

const footerHeight = 2 // status line + short help

func (m *Model) bodySize() (int, int) {
	return max(m.w, 0), max(m.h-m.headerHeight()-footerHeight, 0)
}

func (m *Model) resize() {
	w, h := m.bodySize()
	for _, e := range m.stack {
		e.v.SetSize(w, h)
	}
	if m.modal != nil {
		m.modal.v.SetSize(w, h)
	}
}

func (m *Model) View() (out string) {
	defer func() {
		if r := recover(); r != nil {
			m.errText = errorLine("internal error while drawing", panicError(r), "")
			out = m.errText
		}
	}()
	if m.quitting {
		return ""
	}
	if m.w == 0 || m.h == 0 {
		return "Loading…"
	}
	if m.w < minWidth || m.h < minHeight {
		lines := []string{fmt.Sprintf("Terminal too small (%d×%d).", m.w, m.h), fmt.Sprintf("Needs %d×%d.", minWidth, minHeight), "q quits."}
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, m.w, "…")
		}
		return lipgloss.Place(m.w, m.h, lipgloss.Center, lipgloss.Center, strings.Join(lines[:min(len(lines), m.h)], "\n"))
	}
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	_, bh := m.bodySize()
	body := m.body()
	b.WriteString(fitHeight(body, bh, m.w))
	b.WriteByte('\n')
	if m.cl.open != nil {
		// The command line takes the status line, its completions the
		// footer (as k9s's prompt does, the body keeps its size).
		m.cl.open.SetWidth(m.w)
		b.WriteString(m.cl.open.View())
		b.WriteByte('\n')
		b.WriteString(m.cl.open.Hints())
		return b.String()
	}
	b.WriteString(m.statusLine())
	b.WriteByte('\n')
	b.WriteString(m.footer())
	return b.String()
}

func (m *Model) body() string {
	_, bh := m.bodySize()
	if m.showHelp {
		return m.fullHelp(bh)
	}
	w, _ := m.bodySize()
	if m.modal != nil {
		return overlay(m.top().v.View(), m.modal.v.View(), w, bh)
	}
	return m.top().v.View()
}

// overlay draws fg centred over bg, keeping bg visible around it (lipgloss
// v1 has no layers, so lines are cut and joined, escape-code aware).
func overlay(bg, fg string, w, h int) string {
	bgLines := strings.Split(fitHeight(bg, h, w), "\n")
	fgLines := strings.Split(fg, "\n")
	if len(fgLines) > h {
		fgLines = fgLines[:h]
	}
	fw := 0
	for _, l := range fgLines {
		fw = max(fw, ansi.StringWidth(l))
	}
	fw = min(fw, w)
	x, y := max((w-fw)/2, 0), max((h-len(fgLines))/2, 0)
	for i, fl := range fgLines {
		bl := bgLines[y+i]
		left := ansi.Truncate(bl, x, "")
		if lw := ansi.StringWidth(left); lw < x {
			left += strings.Repeat(" ", x-lw)
		}
		fl = ansi.Truncate(fl, fw, "")
		if pad := fw - ansi.StringWidth(fl); pad > 0 {
			fl += strings.Repeat(" ", pad)
		}
		right := ansi.TruncateLeft(bl, x+fw, "")
		bgLines[y+i] = left + "\x1b[0m" + fl + "\x1b[0m" + right
	}
	return strings.Join(bgLines, "\n")
}

// fitHeight pads or cuts s to exactly h lines of at most w cells.
func fitHeight(s string, h, w int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		// A line never takes more cells than bytes, so only long ones
		// need measuring (this runs for every line of every frame).
		if len(l) > w && ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (m *Model) header() string {
	st := m.sess.Styles
	left := st.Header.Render("dsbrowse") + " " + st.HeaderProfile.Render(safe.Line(m.sess.Profile)+" @ "+safe.Line(m.sess.Host))
	if m.sess.ReadOnly {
		left += " " + st.Badge.Render("READ-ONLY")
	}
	if m.sess.Protected {
		left += " " + st.BadgeWarn.Render("PROTECTED")
	}
	if f := m.filterBadge(); f != "" {
		left += "  " + f
	}
	right := ""
	if m.busy > 0 {
		right = m.spin.View() + " " + st.Muted.Render(m.busyText)
		if m.busy > 1 {
			right += st.Muted.Render(fmt.Sprintf(" (+%d)", m.busy-1))
		}
	}
	line1 := spread(left, right, m.w)
	crumbs := make([]string, 0, len(m.stack)+1)
	for i, e := range m.stack {
		if m.namesSource(i) {
			crumbs = append(crumbs, st.Crumb.Render(safe.Short(e.srcName, 40)))
		}
		t := safe.Line(e.v.Title())
		if i == len(m.stack)-1 && m.modal == nil {
			crumbs = append(crumbs, st.CrumbLast.Render(t))
		} else {
			crumbs = append(crumbs, st.Crumb.Render(t))
		}
	}
	if m.modal != nil {
		crumbs = append(crumbs, st.CrumbLast.Render(safe.Line(m.modal.v.Title())))
	}
	line2 := ansi.Truncate(strings.Join(crumbs, st.CrumbSep.Render(" › ")), m.w, "…")
	if m.sess.Protected {
		box := lipgloss.NewStyle().Border(lipgloss.NormalBorder(), true, false).BorderForeground(st.Theme.Error).Width(m.w)
		return box.Render(line1 + "\n" + line2)
	}
	return line1 + "\n" + line2
}

// namesSource reports whether the breadcrumb names entry i's source
// before its title: it was opened for a source that no view below it is
// about (the detail's title is its name already).
func (m *Model) namesSource(i int) bool {
	e := m.stack[i]
	if e.src == 0 || e.srcName == "" {
		return false
	}
	for _, b := range m.stack[:i] {
		if b.src == e.src {
			return false
		}
	}
	return true
}

// spread puts left and right on one line of width w.
func spread(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw+1 > w {
		if lw >= w {
			return ansi.Truncate(left, w, "…")
		}
		right = ansi.Truncate(right, w-lw-1, "…")
		rw = ansi.StringWidth(right)
	}
	return left + strings.Repeat(" ", max(w-lw-rw, 1)) + right
}

// statusLine is the sink for errors and notices, whose words may come from
// the server: they are made safe here (bidi overrides removed, controls
// made visible) and cut to the width before any styling, however long.
func (m *Model) statusLine() string {
	st := m.sess.Styles
	switch {
	case m.errText != "":
		return ansi.Truncate(st.StatusErr.Render("✗ "+safe.Short(m.errText, m.w))+st.Muted.Render("  (esc dismisses)"), m.w, "…")
	case m.status != "":
		style := st.StatusInfo
		switch m.statusLevel {
		case views.Success:
			style = st.StatusOK
		case views.Warn:
			style = st.StatusWarn
		}
		return ansi.Truncate(style.Render(safe.Short(m.status, m.w)), m.w, "…")
	}
	return ""
}

func (m *Model) globalKeys() []key.Binding {
	k := m.sess.Keys
	back := k.Back
	if len(m.stack) <= 1 {
		back.SetEnabled(false) // nothing to go back to
	}
	return []key.Binding{back, k.Help, k.Quit}
}

func (m *Model) footer() string {
	var keys []key.Binding
	if m.modal != nil {
		keys = m.modal.v.ShortHelp()
	} else if m.showHelp {
		k := m.sess.Keys
		keys = []key.Binding{keymap.Help("scroll", k.Up, k.Down, k.PageUp, k.PageDown), keymap.AnyKey("close help")}
	} else if m.top().v.CapturesInput() {
		keys = m.top().v.ShortHelp() // q and ? are typed, not global, here
	} else {
		keys = append(m.top().v.ShortHelp(), m.globalKeys()...)
	}
	return ansi.Truncate(m.help.ShortHelpView(keys), m.w, "…")
}

// errorLine says what failed in plain words, naming the host for
// connection problems.
func errorLine(what string, err error, host string) string {
	text := apiclient.Explain(err)
	if host != "" && (strings.HasPrefix(text, "the API key was rejected") || strings.HasPrefix(text, "cannot reach")) {
		text += " (" + host + ")"
	}
	if what != "" {
		return what + ": " + text
	}
	return text
}
