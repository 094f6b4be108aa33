package tui

import (
	"fmt"
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
	API         views.API
	Profile     string // shown in the header
	Host        string
	ReadOnly    bool
	Protected   bool
	PageSize    int
	Concurrency int
	// MaxPageSize and FixedPaging: see paging.Profile.
	MaxPageSize int
	FixedPaging bool
	Timeout     time.Duration
	// MaxRows caps the rows the list loads (0: the list's default).
	MaxRows int
	// Keys are the config's [keys] overrides; Theme its [theme] colours,
	// ThemeMode "auto", "dark" or "light".
	Keys      map[string][]string
	Theme     map[string]string
	ThemeMode string
	NoMouse   bool
	// RequestLog is the session's request log (the client's).
	RequestLog *apiclient.RequestLog
	// TenantURL and WebURL build the source's web UI page (views.Session).
	TenantURL, WebURL string
	// ListColumns are the list's columns ([list] columns; nil: default).
	ListColumns []string
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

// NewContext checks the key and theme settings and builds the shared view
// context. Call it after the colour profile and background are settled.
func NewContext(o Options) (*views.Session, error) {
	keys, err := keymap.Default().Apply(o.Keys)
	if err != nil {
		return nil, err
	}
	if o.ReadOnly {
		keys = keys.WithoutWrites()
	}
	base := styles.Default
	if os.Getenv("NO_COLOR") != "" {
		base = styles.NoColor
	}
	theme, err := base.With(o.Theme)
	if err != nil {
		return nil, err
	}
	return &views.Session{
		API: o.API, Keys: keys, Styles: styles.New(theme),
		Profile: o.Profile, Host: o.Host, ReadOnly: o.ReadOnly, Protected: o.Protected,
		PageSize: o.PageSize, Concurrency: o.Concurrency, MaxPageSize: o.MaxPageSize, FixedPaging: o.FixedPaging, MaxRows: o.MaxRows, Timeout: o.Timeout, Now: time.Now, RequestLog: o.RequestLog,
		TenantURL: o.TenantURL, WebURL: o.WebURL, ListColumns: o.ListColumns,
	}, nil
}

// SetupTerminal settles colours before Bubble Tea owns the terminal: the
// background is detected now, because asking the terminal later races
// Bubble Tea for stdin (lipgloss#73). NO_COLOR is honoured by the palette
// (NewContext), not by dropping to plain ASCII, so bold and reverse still
// show where colour would have.
func SetupTerminal(mode string) error {
	if os.Getenv("NO_COLOR") != "" {
		// termenv alone would drop to plain ASCII, losing bold and
		// reverse too; the NoColor palette already removes all colour.
		if isTerminal() {
			lipgloss.SetColorProfile(termenv.ANSI)
		}
		mode = "dark" // nothing to adapt: skip the query
	}
	switch mode {
	case "dark":
		lipgloss.SetHasDarkBackground(true)
	case "light":
		lipgloss.SetHasDarkBackground(false)
	case "", "auto":
		lipgloss.SetHasDarkBackground(lipgloss.HasDarkBackground())
	default:
		return fmt.Errorf("[theme]: mode = %q: use auto, dark or light", mode)
	}
	return nil
}

// Run starts the TUI and returns when the user quits.
func Run(o Options) error {
	if err := SetupTerminal(o.ThemeMode); err != nil {
		return err
	}
	sess, err := NewContext(o)
	if err != nil {
		return err
	}
	m := NewModel(sess, DefaultOpener())
	if o.Commands.Keys == nil {
		keys, _ := keymap.Default().Apply(o.Keys) // checked by NewContext
		o.Commands.Keys = &keys
	}
	m.SetCommands(o.Commands)
	// Copies (OSC 52) and frames share the output, under one lock.
	out := &lockedOutput{File: os.Stdout}
	m.SetClipboard(out)
	err = RunProgram(m, !o.NoMouse, tea.WithOutput(out))
	m.quit() // cancel whatever is still in flight
	return err
}

func isTerminal() bool { return term.IsTerminal(os.Stdout.Fd()) }
