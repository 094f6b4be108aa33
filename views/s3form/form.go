// Package s3form is the modal form that creates Native S3 data sources:
// an integration id and one or more (name, prefix) pairs, validated before
// any request, submitted once, and kept intact when the server refuses.
package s3form

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/safe"
	"github.com/dsbrowse/dsbrowse/views"
)

type phase int

const (
	editing phase = iota
	submitting
	created
)

// field kinds, in tab order: integration, then name/prefix per pair, then
// the profile-name confirmation on a protected profile.
type fieldKind int

const (
	fIntegration fieldKind = iota
	fName
	fPrefix
	fProfile
)

type field struct {
	kind  fieldKind
	pair  int
	input textinput.Model
}

// Model is the create form.
type Model struct {
	ctx    *views.Context
	base   context.Context
	cancel context.CancelFunc
	w, h   int

	fields []field
	focus  int
	phase  phase
	errs   map[int]string // field index → error
	warns  map[int]string
	server string // the server's refusal, shown above the buttons
	spin   spinner.Model

	made     []apiclient.S3Created
	handlers map[int64]string // data source id → handler summary or error
}

// New returns an empty form.
func New(ctx *views.Context) *Model {
	base, cancel := context.WithCancel(context.Background())
	m := &Model{ctx: ctx, base: base, cancel: cancel,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(ctx.Styles.Accent))}
	m.fields = append(m.fields, newField(fIntegration, 0, "e.g. 2"))
	m.addPair()
	if ctx.Protected {
		m.fields = append(m.fields, newField(fProfile, 0, ""))
	}
	m.setFocus(0)
	return m
}

func newField(k fieldKind, pair int, placeholder string) field {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = 1024
	return field{kind: k, pair: pair, input: in}
}

func (m *Model) pairs() int {
	n := 0
	for _, f := range m.fields {
		if f.kind == fName {
			n++
		}
	}
	return n
}

// addPair appends a (name, prefix) pair before the profile field.
func (m *Model) addPair() {
	p := m.pairs()
	pair := []field{newField(fName, p, "research-data"), newField(fPrefix, p, "s3://bucket/path/")}
	at := len(m.fields)
	if at > 0 && m.fields[at-1].kind == fProfile {
		at--
	}
	m.fields = append(m.fields[:at], append(pair, m.fields[at:]...)...)
}

func (m *Model) setFocus(i int) tea.Cmd {
	for j := range m.fields {
		m.fields[j].input.Blur()
	}
	m.focus = max(0, min(i, len(m.fields)-1))
	return m.fields[m.focus].input.Focus()
}

func (m *Model) Init() tea.Cmd       { return textinput.Blink }
func (m *Model) Title() string       { return "Create Native S3 data sources" }
func (m *Model) CapturesInput() bool { return true }
func (m *Model) SetSize(w, h int)    { m.w, m.h = w, h }
func (m *Model) Close()              { m.cancel() }

// Values returns what the user typed, field by field (for tests).
func (m *Model) Values() []string {
	out := make([]string, len(m.fields))
	for i, f := range m.fields {
		out[i] = f.input.Value()
	}
	return out
}

// validate checks every field before any request. Errors block; warnings
// (a prefix without s3://) do not.
func (m *Model) validate() (apiclient.S3CreateRequest, bool) {
	m.errs, m.warns = map[int]string{}, map[int]string{}
	var req apiclient.S3CreateRequest
	names := map[string]bool{}
	var cur apiclient.S3Source
	for i, f := range m.fields {
		v := strings.TrimSpace(f.input.Value())
		switch f.kind {
		case fIntegration:
			n, err := strconv.ParseInt(v, 10, 64)
			switch {
			case v == "":
				m.errs[i] = "required"
			case err != nil || n <= 0:
				m.errs[i] = "must be a positive whole number"
			default:
				req.IntegrationID = n
			}
		case fName:
			cur = apiclient.S3Source{DataSourceName: v}
			switch {
			case v == "":
				m.errs[i] = "required"
			case names[v]:
				m.errs[i] = "this name is already used above"
			}
			names[v] = true
		case fPrefix:
			cur.Prefix = v
			switch {
			case v == "":
				m.errs[i] = "required"
			case strings.ContainsAny(v, " \t"):
				m.errs[i] = "an S3 prefix has no spaces"
			case !strings.HasPrefix(v, "s3://"):
				m.warns[i] = "no s3:// prefix: sent as typed"
			}
			req.DataSources = append(req.DataSources, cur)
		case fProfile:
			if f.input.Value() != m.ctx.Profile {
				m.errs[i] = fmt.Sprintf("type %q to confirm", m.ctx.Profile)
			}
		}
	}
	return req, len(m.errs) == 0
}

type submittedMsg struct {
	made []apiclient.S3Created
	err  error
}

type handlersMsg struct {
	handlers map[int64]string
}

func (m *Model) submit() tea.Cmd {
	if m.phase != editing {
		return nil // a second submit is impossible while one runs
	}
	req, ok := m.validate()
	if !ok {
		for i := range m.fields {
			if m.errs[i] != "" {
				return m.setFocus(i)
			}
		}
		return nil
	}
	m.phase, m.server = submitting, ""
	api, ctx, timeout := m.ctx.API, m.base, m.ctx.Timeout
	return tea.Batch(m.spin.Tick, views.Track("creating S3 data sources", func() tea.Msg {
		rctx, cancel := withTimeout(ctx, timeout)
		defer cancel()
		made, err := api.CreateS3(rctx, req)
		return submittedMsg{made: made, err: err}
	}))
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return context.WithCancel(ctx)
}

// afterCreate fetches each new source (for the list) and its handler (to
// show), off the UI goroutine.
func (m *Model) afterCreate(made []apiclient.S3Created) tea.Cmd {
	api, ctx, timeout := m.ctx.API, m.base, m.ctx.Timeout
	return views.Track("reading the new sources", func() tea.Msg {
		handlers := map[int64]string{}
		var added []apiclient.DataSource
		for _, c := range made {
			rctx, cancel := withTimeout(ctx, timeout)
			if h, err := api.GetS3Handler(rctx, c.DataSourceID); err == nil {
				handlers[c.DataSourceID] = fmt.Sprintf("handler %d: %s, integration %d, base %s, prefix %s",
					h.ID, safe.Line(h.Type), h.Metadata.IntegrationID, safe.Line(h.AWSLocationPath), safe.Line(h.Metadata.Prefix))
			} else {
				handlers[c.DataSourceID] = "handler: " + apiclient.Explain(err)
			}
			if d, err := api.GetDataSource(rctx, c.DataSourceID); err == nil {
				added = append(added, *d)
			}
			cancel()
		}
		cmds := []tea.Cmd{views.Emit(handlersMsg{handlers})}
		if len(added) > 0 {
			cmds = append(cmds, views.Emit(views.SourcesAddedMsg{Sources: added}))
		}
		return tea.BatchMsg(cmds)
	})
}

func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case submittedMsg:
		if msg.err != nil {
			m.phase = editing // every value the user typed is still there
			m.server = "The server refused: " + apiclient.Explain(msg.err)
			if errors.Is(msg.err, apiclient.ErrUnreachable) || errors.Is(msg.err, apiclient.ErrServer) || errors.Is(msg.err, apiclient.ErrMalformed) {
				m.server = "No clear answer (" + apiclient.Explain(msg.err) + "): the server may or may not have created them. Refresh the list (r) before submitting again."
			}
			return m, m.setFocus(m.focus)
		}
		m.phase, m.made = created, msg.made
		return m, tea.Batch(m.afterCreate(msg.made), views.Status(fmt.Sprintf("created %d S3 data source(s)", len(msg.made)), views.Success))
	case handlersMsg:
		m.handlers = msg.handlers
		return m, nil
	case spinner.TickMsg:
		if m.phase != submitting {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	var cmd tea.Cmd
	m.fields[m.focus].input, cmd = m.fields[m.focus].input.Update(msg)
	return m, cmd
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.ctx.Keys
	switch m.phase {
	case submitting:
		return nil
	case created:
		if msg.Type == tea.KeyEnter || msg.Type == tea.KeyEsc {
			return views.CloseModal
		}
		return nil
	}
	switch {
	case msg.Type == tea.KeyEsc:
		return views.CloseModal // a cancelled form is discarded
	case key.Matches(msg, k.Submit):
		return m.submit()
	case key.Matches(msg, k.AddPair):
		m.addPair()
		return m.setFocus(len(m.fields) - 2 - btoi(m.ctx.Protected))
	case key.Matches(msg, k.NextField) || msg.Type == tea.KeyDown:
		return m.setFocus((m.focus + 1) % len(m.fields))
	case key.Matches(msg, k.PrevField) || msg.Type == tea.KeyUp:
		return m.setFocus((m.focus - 1 + len(m.fields)) % len(m.fields))
	case msg.Type == tea.KeyEnter:
		if m.focus == len(m.fields)-1 {
			return m.submit()
		}
		return m.setFocus(m.focus + 1)
	}
	var cmd tea.Cmd
	m.fields[m.focus].input, cmd = m.fields[m.focus].input.Update(msg)
	if m.errs != nil {
		delete(m.errs, m.focus) // the user is fixing it
	}
	return cmd
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	switch m.phase {
	case submitting:
		return []key.Binding{key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("…", "creating"))}
	case created:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/esc", "close"))}
	}
	return []key.Binding{k.NextField, k.PrevField, k.AddPair, k.Submit,
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *Model) label(f field) string {
	switch f.kind {
	case fIntegration:
		return "Integration ID"
	case fName:
		return fmt.Sprintf("Data source name #%d", f.pair+1)
	case fPrefix:
		return fmt.Sprintf("Prefix #%d", f.pair+1)
	}
	return fmt.Sprintf("Protected profile: type %q to confirm", m.ctx.Profile)
}

func (m *Model) View() string {
	st := m.ctx.Styles
	box := st.Modal.Box
	width := max(min(m.w-4, 80), 24)
	inner := width - box.GetHorizontalFrameSize()
	var b []string
	b = append(b, st.Modal.Title.Render(m.Title()))
	switch m.phase {
	case created:
		b = append(b, "")
		for _, c := range m.made {
			b = append(b, st.Success.Render("✓ ")+ansi.Truncate(fmt.Sprintf("%s (id %d), prefix %s", safe.Line(c.DataSourceName), c.DataSourceID, safe.Line(c.Prefix)), inner-2, "…"))
			if h, ok := m.handlers[c.DataSourceID]; ok {
				b = append(b, st.Muted.Render(ansi.Truncate("  "+h, inner, "…")))
			} else {
				b = append(b, st.Muted.Render("  "+m.spin.View()+" reading handler…"))
			}
		}
		b = append(b, "", st.Muted.Render("enter closes"))
	default:
		b = append(b, st.Muted.Render(ansi.Truncate("→ POST /native-s3/handler", inner, "…")))
		// Keep the focused field on screen when the form is taller than
		// the terminal: show a window of fields around it.
		perField := 3
		room := max((m.h-box.GetVerticalFrameSize()-8)/perField, 1)
		lo := max(0, min(m.focus-room/2, len(m.fields)-room))
		hi := min(len(m.fields), lo+room)
		if lo > 0 {
			b = append(b, st.Muted.Render(fmt.Sprintf("  ↑ %d more field(s)", lo)))
		}
		for i := lo; i < hi; i++ {
			f := m.fields[i]
			label := m.label(f)
			if i == m.focus {
				label = st.Accent.Render("▸ ") + st.Modal.FieldLabel.Render(label)
			} else {
				label = "  " + st.Modal.FieldLabel.Render(label)
			}
			in := f.input
			in.Width = max(inner-4, 4)
			line := "  " + in.View()
			b = append(b, ansi.Truncate(label, inner, "…"), ansi.Truncate(line, inner, ""))
			switch {
			case m.errs[i] != "":
				b = append(b, st.Modal.FieldError.Render(ansi.Truncate("  ✗ "+m.errs[i], inner, "…")))
			case m.warns[i] != "":
				b = append(b, st.Modal.FieldWarn.Render(ansi.Truncate("  ! "+m.warns[i], inner, "…")))
			}
		}
		if hi < len(m.fields) {
			b = append(b, st.Muted.Render(fmt.Sprintf("  ↓ %d more field(s)", len(m.fields)-hi)))
		}
		if m.server != "" {
			b = append(b, "")
			for _, l := range strings.Split(ansi.Wrap(safe.Line(m.server), inner, " "), "\n") {
				b = append(b, st.Modal.FieldError.Render(l))
			}
		}
		b = append(b, "")
		if m.phase == submitting {
			b = append(b, m.spin.View()+" creating… (sent once; it is not retried)")
		} else {
			b = append(b, st.Muted.Render(ansi.Truncate(fmt.Sprintf("%d pair(s) · %s add pair · enter on the last field or %s submits · esc cancels",
				m.pairs(), m.ctx.Keys.AddPair.Help().Key, m.ctx.Keys.Submit.Help().Key), inner, "…")))
		}
	}
	return box.Width(inner + box.GetHorizontalPadding()).Render(strings.Join(b, "\n"))
}

var _ views.View = (*Model)(nil)
