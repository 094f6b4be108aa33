package tui

import (
	"fmt"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/cmdline"
	"github.com/dsbrowse/dsbrowse/views/pager"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// Commands configure the ":" command line.
type Commands struct {
	// Views are the config's saved views, by name.
	Views map[string]apiclient.ListOptions
	// Profiles are the names :ctx switches to; Open connects to one: the
	// session's API, Host and Settings (the root adds the rest). Open runs
	// off the UI goroutine (it may run an api_key_command).
	Profiles []string
	Open     func(name string) (*views.Session, error)
	// Keys are the bindings before read-only took the writes out, so a
	// switch to a writable profile gets them back. Zero: the session's.
	Keys *keymap.KeyMap
	// HistoryPath is the history file ("" keeps none).
	HistoryPath string
}

// commandState is the root's command line: the options, the line while
// it is open, and the server filters the commands set.
type commandState struct {
	opts     Commands
	keys     keymap.KeyMap
	hist     *cmdline.History
	open     *cmdline.Model
	filter   apiclient.ListOptions
	helpCmds bool // :help: the ? screen lists the commands too
}

// SetCommands configures the command line (its history is read now).
func (m *Model) SetCommands(c Commands) {
	m.cl.opts = c
	m.cl.keys = m.sess.Keys
	if c.Keys != nil {
		m.cl.keys = *c.Keys
	}
	m.cl.hist = cmdline.LoadHistory(c.HistoryPath)
}

// Filter is the server filters the commands have set.
func (m *Model) Filter() apiclient.ListOptions { return m.cl.filter }

func (m *Model) commandEnv() cmdline.Env {
	return cmdline.Env{Current: m.cl.filter, Views: m.cl.opts.Views, Profiles: m.cl.opts.Profiles}
}

func (m *Model) openCommand() tea.Cmd {
	if m.cl.hist == nil {
		m.cl.hist = cmdline.LoadHistory("")
	}
	env := m.commandEnv()
	if k, ok := m.stack[0].v.(interface {
		Known() (handlers, tags []string)
	}); ok {
		env.Handlers, env.Tags = k.Known()
	}
	m.cl.open = cmdline.New(m.sess.Keys, m.sess.Styles, env, m.cl.hist, m.w)
	return nil
}

// commandKey gives a key to the open command line, and runs the line on
// enter.
func (m *Model) commandKey(msg tea.Msg) tea.Cmd {
	c := m.cl.open
	out, cmd := c.Update(msg)
	switch out {
	case cmdline.Cancelled:
		m.cl.open = nil
		return nil
	case cmdline.Submitted:
		m.cl.open = nil
		save := c.Submit(c.Line)
		return tea.Batch(save, m.runCommand(c.Line))
	}
	return cmd
}

// runCommand does what line asks; a line that is not a command is one
// line of error on the status line.
func (m *Model) runCommand(line string) tea.Cmd {
	r, err := cmdline.Run(line, m.commandEnv())
	if err != nil {
		return m.setStatus(err.Error(), views.Warn)
	}
	switch r.Kind {
	case cmdline.Filter:
		return m.setFilter(r.Opts, r.Said)
	case cmdline.Requests:
		if m.open.Requests == nil {
			return nil
		}
		return m.open1(m.open.Requests(m.sess, 0, ""))
	case cmdline.Log:
		return m.openRequestLog()
	case cmdline.Help:
		m.showHelp, m.cl.helpCmds = true, true
		m.resize()
		return nil
	case cmdline.Quit:
		return m.quit()
	case cmdline.Export:
		home := m.stack[0]
		ex, ok := home.v.(interface {
			Export(format, path string) tea.Cmd
		})
		if !ok {
			return m.setStatus(":export: this list cannot export", views.Warn)
		}
		return tag(home.id, ex.Export(r.Arg, r.Path))
	case cmdline.Ctx:
		if m.sess.Writes().Any() || m.modal != nil {
			return m.setStatus(":ctx: a write is in progress; switch once its result is shown", views.Warn)
		}
		return m.switchProfile(r.Arg)
	}
	return nil
}

// setFilter makes o the list's server filters: the screens above the list
// close (the filters are the list's) and it reloads.
func (m *Model) setFilter(o apiclient.ListOptions, said string) tea.Cmd {
	m.closeModal()
	for len(m.stack) > 1 {
		m.pop()
	}
	m.cl.filter = o
	home := m.stack[0]
	cmd := m.updateView(&home, views.ServerFilterMsg{Opts: o})
	m.stack[0] = home
	if said == "" {
		said = "server filters: " + cmdline.Label(o)
		if cmdline.Label(o) == "" {
			said = "server filters cleared"
		}
	}
	return tea.Batch(cmd, m.setStatus(said, views.Info))
}

// profileMsg is a :ctx connection made (or not).
type profileMsg struct {
	name string
	sess *views.Session
	err  error
}

func (m *Model) switchProfile(name string) tea.Cmd {
	open := m.cl.opts.Open
	if open == nil {
		return m.setStatus(":ctx: no profiles to switch to", views.Warn)
	}
	return func() tea.Msg {
		sess, err := open(name)
		return profileMsg{name: name, sess: sess, err: err}
	}
}

// onCommandMsg handles the command line's own messages (true when msg was
// one).
func (m *Model) onCommandMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case profileMsg:
		return m.onProfile(msg), true
	case cmdline.SaveErrorMsg:
		return m.setStatus("command history not saved: "+msg.Err.Error(), views.Warn), true
	}
	return nil, false
}

// onProfile replaces the session with the profile's, as k9s's :ctx does:
// every screen closes, the list loads from the new tenant, the header, the
// protected frame and read-only follow the profile. The request log stays
// the session's one.
func (m *Model) onProfile(msg profileMsg) tea.Cmd {
	if msg.err != nil {
		m.errText = errorLine("profile "+msg.name, msg.err, "")
		return nil
	}
	old, sess := m.sess, msg.sess
	sess.Keys = m.cl.keys
	if sess.ReadOnly {
		sess.Keys = sess.Keys.WithoutWrites()
	}
	// What is the terminal's, not the profile's, stays.
	sess.Styles, sess.Now, sess.RequestLog, sess.OpenURL = old.Styles, old.Now, old.RequestLog, old.OpenURL
	m.closeModal()
	for _, e := range m.stack {
		if c, ok := e.v.(views.Closer); ok {
			c.Close() // stops the old tenant's loads
		}
	}
	m.stack = nil
	m.sess = sess
	m.helpPage = pager.New(&sess.Keys)    // scrolled by the new session's keys
	m.cl.filter = apiclient.ListOptions{} // another tenant's tags and schemas differ
	m.errText, m.showHelp = "", false
	e := m.push(m.open.Home(sess))
	m.resize()
	return tea.Batch(tag(e.id, e.v.Init()), m.setStatus("switched to profile "+safe.Line(sess.Profile), views.Success))
}

// listFilterFree is a view the list's server filters do not narrow (the
// inbox): the header leaves them out there, lest it read as narrowed.
type listFilterFree interface{ IgnoresListFilter() bool }

// filterBadge is the header's word on the server filters ("" when none).
func (m *Model) filterBadge() string {
	l := cmdline.Label(m.cl.filter)
	if l == "" {
		return ""
	}
	if n := len(m.stack); n > 0 {
		if v, ok := m.stack[n-1].v.(listFilterFree); ok && v.IgnoresListFilter() {
			return ""
		}
	}
	return m.sess.Styles.Accent.Render("filter: " + safe.Line(l))
}

// commandHelp lists the commands under the keys on the :help screen.
func (m *Model) commandHelp() string {
	var names []string
	for n := range m.cl.opts.Views {
		names = append(names, n)
	}
	k := m.sess.Keys
	// Two lines: as one it ran past 80 columns and lost "esc cancels".
	keys := fmt.Sprintf("%s opens it · %s completes · enter runs · esc cancels\n%s / %s: the commands run before",
		k.Command.Help().Key, k.Complete.Help().Key, k.HistoryPrev.Help().Key, k.HistoryNext.Help().Key)
	return m.sess.Styles.Title.Render("Commands") + "\n" + m.sess.Styles.Muted.Render(keys+"\n"+strings.Join(cmdline.Usage(slices.Sorted(slices.Values(names))), "\n"))
}
