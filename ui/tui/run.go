package tui

import (
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/access"
	"github.com/dsbrowse/dsbrowse/views/columns"
	"github.com/dsbrowse/dsbrowse/views/detail"
	"github.com/dsbrowse/dsbrowse/views/requestlog"
	"github.com/dsbrowse/dsbrowse/views/requests"
	"github.com/dsbrowse/dsbrowse/views/sources"
	"github.com/dsbrowse/dsbrowse/views/styles"
	"github.com/dsbrowse/dsbrowse/views/visibility"
)

// Options configure a TUI session.
type Options struct {
	// Session is the connection the TUI opens on: its API, Host, Settings
	// (resolved once by ui/config) and RequestLog (the client's).
	// NewSession adds the keys, styles and clock.
	Session views.Session
	// Keys are the config's bindings, [keys] applied and checked when it
	// loaded (nil: the defaults); Theme and ThemeMode its [theme], checked
	// then too.
	Keys      *keymap.KeyMap
	Theme     styles.Overrides
	ThemeMode styles.Mode
	NoMouse   bool
	// Commands configure the : command line (saved views, :ctx, history).
	Commands Commands
}

// DefaultOpener wires the real views.
func DefaultOpener() Opener {
	return Opener{
		Home: func(sess *views.Session) views.View { return sources.New(sess) },
		Source: func(sess *views.Session, id int64, name string) views.View {
			return detail.New(sess, id, name)
		},
		Access: func(sess *views.Session, id int64, name string) views.View {
			return access.New(sess, id, name)
		},
		User: func(sess *views.Session, id int64, name string, u apiclient.AccessUser) views.View {
			return access.NewUser(sess, id, name, u)
		},
		Visibility: func(sess *views.Session, id int64, name string) views.View {
			return visibility.New(sess, id, name)
		},
		Requests: func(sess *views.Session, id int64, name string) views.View {
			return requests.New(sess, requests.Options{SourceID: id, SourceName: name})
		},
		Columns: func(sess *views.Session, id int64, name string) views.View {
			return columns.New(sess, id, name)
		},
		RequestLog: func(sess *views.Session) views.View { return requestlog.New(sess) },
	}
}

// keys are o's bindings: the config's, or the defaults.
func (o Options) keys() keymap.KeyMap {
	if o.Keys != nil {
		return *o.Keys
	}
	return keymap.Default()
}

// NewSession completes o.Session: the keys (without the writes when
// read-only), the styles and the clock. Call it after the colour profile
// and background are settled.
func NewSession(o Options) *views.Session {
	keys := o.keys()
	sess := o.Session
	if sess.ReadOnly {
		keys = keys.WithoutWrites()
	}
	base := styles.Default
	if os.Getenv("NO_COLOR") != "" {
		base = styles.NoColor
	}
	sess.Keys, sess.Styles = keys, styles.New(base.With(o.Theme))
	if sess.Now == nil {
		sess.Now = time.Now
	}
	return &sess
}

// SetupTerminal settles colours before Bubble Tea owns the terminal: the
// background is detected now, because asking the terminal later races
// Bubble Tea for stdin (lipgloss#73). NO_COLOR is honoured by the palette
// (NewSession), not by dropping to plain ASCII, so bold and reverse still
// show where colour would have. The config checked mode when it loaded.
func SetupTerminal(mode styles.Mode) {
	if os.Getenv("NO_COLOR") != "" {
		// termenv alone would drop to plain ASCII, losing bold and
		// reverse too; the NoColor palette already removes all colour.
		if isTerminal() {
			lipgloss.SetColorProfile(termenv.ANSI)
		}
		mode = styles.ModeDark // nothing to adapt: skip the query
	}
	switch mode {
	case styles.ModeDark:
		lipgloss.SetHasDarkBackground(true)
	case styles.ModeLight:
		lipgloss.SetHasDarkBackground(false)
	default: // auto, or not set
		lipgloss.SetHasDarkBackground(lipgloss.HasDarkBackground())
	}
}

// Run starts the TUI and returns when the user quits.
func Run(o Options) error {
	SetupTerminal(o.ThemeMode)
	m := NewModel(NewSession(o), DefaultOpener())
	if o.Commands.Keys == nil {
		keys := o.keys() // with the writes: :ctx may switch to a profile that allows them
		o.Commands.Keys = &keys
	}
	m.SetCommands(o.Commands)
	// Copies (OSC 52) and frames share the output, under one lock.
	out := &lockedOutput{File: os.Stdout}
	m.SetClipboard(out)
	err := RunProgram(m, !o.NoMouse, tea.WithOutput(out))
	m.quit() // cancel whatever is still in flight
	return err
}

func isTerminal() bool { return term.IsTerminal(os.Stdout.Fd()) }
