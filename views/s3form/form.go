// Package s3form is the modal form that creates Native S3 data sources:
// an integration id and one or more (name, prefix) pairs, validated before
// any request, submitted once, and kept intact when the server refuses.
package s3form

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
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
	sess   *views.Session
	base   context.Context
	cancel context.CancelFunc
	w, h   int

	fields []field
	focus  int
	phase  phase
	closed bool
	errs   map[int]string // field index → error
	warns  map[int]string
	server string // the server's refusal, shown above the buttons
	spin   spinner.Model

	// discarding: esc was pressed with input typed; the form asks
	// before throwing it away (y discards, n or esc keeps editing).
	discarding bool

	made     []apiclient.S3Created
	handlers map[int64]string // data source id → handler summary or error
}

// New returns an empty form.
func New(sess *views.Session) *Model {
	base, cancel := context.WithCancel(context.Background())
	m := &Model{sess: sess, base: base, cancel: cancel,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(sess.Styles.Accent))}
	m.fields = append(m.fields, newField(fIntegration, 0, "e.g. 2"))
	m.addPair()
	if sess.Protected {
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
	// Placeholders say "e.g.": without colours they would pass for values.
	pair := []field{newField(fName, p, "e.g. research-data"), newField(fPrefix, p, "e.g. s3://bucket/path/")}
	at := len(m.fields)
	if at > 0 && m.fields[at-1].kind == fProfile {
		at--
	}
	m.fields = append(m.fields[:at], append(pair, m.fields[at:]...)...)
	// Errors and warnings are kept by field index: the fields after the
	// new pair (the profile field) moved down by two.
	m.errs, m.warns = shift(m.errs, at, len(pair)), shift(m.warns, at, len(pair))
}

// shift moves the entries at index >= at by n.
func shift(msgs map[int]string, at, n int) map[int]string {
	if len(msgs) == 0 {
		return msgs
	}
	out := make(map[int]string, len(msgs))
	for i, v := range msgs {
		if i >= at {
			i += n
		}
		out[i] = v
	}
	return out
}

func (m *Model) setFocus(i int) tea.Cmd {
	// Leaving a prefix field shows its warning at once: a warning that
	// only appeared once the request was sent would come too late.
	if old := m.focus; old < len(m.fields) && m.fields[old].kind == fPrefix {
		if w := prefixWarning(strings.TrimSpace(m.fields[old].input.Value())); w != "" {
			if m.warns == nil {
				m.warns = map[int]string{}
			}
			m.warns[old] = w
		} else {
			delete(m.warns, old)
		}
	}
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

// Closed reports that the form has asked to close (views.Closing).
func (m *Model) Closed() bool { return m.closed }

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
			case strings.HasPrefix(v, "s3://") && (len(v) == len("s3://") || v[len("s3://")] == '/'):
				m.errs[i] = "name a bucket: s3://bucket/path/"
			default:
				if w := prefixWarning(v); w != "" {
					m.warns[i] = w
				}
			}
			req.DataSources = append(req.DataSources, cur)
		case fProfile:
			if f.input.Value() != m.sess.Profile {
				m.errs[i] = fmt.Sprintf("type %q to confirm", m.sess.Profile)
			}
		}
	}
	return req, len(m.errs) == 0
}

// prefixWarning is the note, which does not block, for a prefix that is
// not an s3:// path.
func prefixWarning(v string) string {
	if v != "" && !strings.HasPrefix(v, "s3://") {
		return "no s3:// prefix: sent as typed"
	}
	return ""
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
	sess, api, base := m.sess, m.sess.API, m.base
	return tea.Batch(m.spin.Tick, views.Track("creating S3 data sources", func() tea.Msg {
		rctx, cancel := sess.WithTimeout(base)
		defer cancel()
		made, err := api.CreateS3(rctx, req)
		return submittedMsg{made: made, err: err}
	}))
}

// afterCreate fetches each new source (for the list) and its handler (to
// show), off the UI goroutine. The reads are not tied to the form: the
// sources exist whether or not the form is still open, so the list must
// get them even when the user closes the form at once.
func (m *Model) afterCreate(made []apiclient.S3Created) tea.Cmd {
	sess, api := m.sess, m.sess.API
	return views.Track("reading the new sources", func() tea.Msg {
		handlers := map[int64]string{}
		var added []apiclient.DataSource
		for _, c := range made {
			rctx, cancel := sess.WithTimeout(context.Background())
			if h, err := api.GetS3Handler(rctx, c.DataSourceID); err == nil {
				handlers[c.DataSourceID] = fmt.Sprintf("handler %d: %s, integration %d, base %s, prefix %s",
					h.ID, safe.Line(h.Type), h.Metadata.IntegrationID, safe.Line(h.AWSLocationPath), safe.Line(h.Metadata.Prefix))
			} else {
				handlers[c.DataSourceID] = "handler: " + apiclient.Explain(err)
			}
			if d, err := api.GetDataSource(rctx, c.DataSourceID); err == nil {
				added = append(added, *d)
			} else if !errors.Is(err, apiclient.ErrNotFound) {
				// What the create answered, until the next refresh.
				added = append(added, apiclient.DataSource{ID: c.DataSourceID, Name: c.DataSourceName})
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
			m.server = "Not created: " + apiclient.Explain(msg.err)
			if errors.Is(msg.err, apiclient.ErrUnreachable) || errors.Is(msg.err, apiclient.ErrServer) ||
				errors.Is(msg.err, apiclient.ErrMalformed) || errors.Is(msg.err, context.DeadlineExceeded) {
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
		if m.phase != submitting && (m.phase != created || m.handlers != nil) {
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
	k := m.sess.Keys
	switch m.phase {
	case submitting:
		return nil
	case created:
		if key.Matches(msg, k.Accept, k.Back) {
			m.closed = true
		}
		return nil
	}
	if m.discarding {
		switch {
		case key.Matches(msg, k.Confirm):
			m.closed = true
		case key.Matches(msg, k.Cancel, k.Back):
			m.discarding = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		if m.typed() {
			m.discarding = true // ask first: esc is easily pressed
			return nil
		}
		m.closed = true
		return nil
	case key.Matches(msg, k.RemovePair):
		return m.removePair()
	case key.Matches(msg, k.Submit):
		return m.submit()
	case key.Matches(msg, k.AddPair):
		m.addPair()
		return m.setFocus(len(m.fields) - 2 - btoi(m.sess.Protected))
	// The same field keys as the member form (views/actions), over
	// fields of this form's own kind: the few lines stay in each.
	case key.Matches(msg, k.NextField, k.CursorDown):
		return m.setFocus((m.focus + 1) % len(m.fields))
	case key.Matches(msg, k.PrevField, k.CursorUp):
		return m.setFocus((m.focus - 1 + len(m.fields)) % len(m.fields))
	case key.Matches(msg, k.Accept):
		if m.focus == len(m.fields)-1 {
			return m.submit()
		}
		return m.setFocus(m.focus + 1)
	}
	var cmd tea.Cmd
	m.fields[m.focus].input, cmd = m.fields[m.focus].input.Update(safe.Typed(msg))
	delete(m.errs, m.focus) // the user is fixing it
	delete(m.warns, m.focus)
	return cmd
}

// typed reports whether any field holds input (the profile name aside).
func (m *Model) typed() bool {
	for _, f := range m.fields {
		if f.kind != fProfile && strings.TrimSpace(f.input.Value()) != "" {
			return true
		}
	}
	return false
}

// removePair removes the pair that has the focus (or the last one), while
// more than one is left; the pairs after it are renumbered.
func (m *Model) removePair() tea.Cmd {
	if m.pairs() <= 1 {
		return views.Status("one pair at least: it cannot be removed", views.Warn)
	}
	pair := m.pairs() - 1
	if f := m.fields[m.focus]; f.kind == fName || f.kind == fPrefix {
		pair = f.pair
	}
	at := -1
	var kept []field
	for i, f := range m.fields {
		if (f.kind == fName || f.kind == fPrefix) && f.pair == pair {
			if at < 0 {
				at = i
			}
			continue
		}
		if (f.kind == fName || f.kind == fPrefix) && f.pair > pair {
			f.pair--
		}
		kept = append(kept, f)
	}
	m.fields = kept
	// Messages of the removed fields go; those after them move up by two.
	drop := func(msgs map[int]string) map[int]string {
		out := map[int]string{}
		for i, v := range msgs {
			switch {
			case i < at:
				out[i] = v
			case i >= at+2:
				out[i-2] = v
			}
		}
		return out
	}
	m.errs, m.warns = drop(m.errs), drop(m.warns)
	m.focus = min(at, len(m.fields)-1)
	return tea.Batch(m.setFocus(m.focus), views.Status(fmt.Sprintf("pair #%d removed", pair+1), views.Info))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.sess.Keys
	switch m.phase {
	case submitting:
		return []key.Binding{keymap.Busy("creating")}
	case created:
		return []key.Binding{keymap.Help("close", k.Accept, k.Back)}
	}
	if m.discarding {
		return []key.Binding{keymap.Help("discard", k.Confirm), keymap.Help("keep editing", k.Cancel, k.Back)}
	}
	return []key.Binding{k.NextField, k.PrevField, k.AddPair, k.RemovePair, k.Submit, keymap.Help("cancel", k.Back)}
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
	return fmt.Sprintf("Protected profile: type %q to confirm", m.sess.Profile)
}

func (m *Model) View() string {
	st := m.sess.Styles
	box := format.NewBox(st.Modal.Box, m.w, m.h, 24, 80)
	inner, maxLines := box.Inner, box.Lines
	head := []string{st.Modal.Title.Render(ansi.Truncate(m.Title(), inner, "…"))}
	var lines []string
	switch m.phase {
	case created:
		body := []string{""}
		if len(m.made) == 0 {
			body = append(body, wrap(st.Warning, "The server accepted the request but did not say what it created. Refresh the list (r) to see the new sources.", inner)...)
		}
		for _, c := range m.made {
			for i, l := range format.ClipLines(format.WrapText(fmt.Sprintf("%s (id %d), prefix %s", safe.Line(c.DataSourceName), c.DataSourceID, safe.Line(c.Prefix)), inner-2), 2) {
				if i == 0 {
					body = append(body, st.Success.Render("✓ ")+l)
				} else {
					body = append(body, "  "+l)
				}
			}
			if h, ok := m.handlers[c.DataSourceID]; ok {
				for _, l := range format.ClipLines(format.WrapText(h, inner-2), 2) {
					body = append(body, st.Muted.Render("  "+l))
				}
			} else {
				body = append(body, st.Muted.Render("  "+m.spin.View()+" reading handler…"))
			}
		}
		lines = format.FitLines(head, body, []string{"", st.Muted.Render(m.sess.Keys.Accept.Help().Key + " closes")}, maxLines, st.Muted.Render("…"))
	default:
		var status string
		if m.phase == submitting {
			status = ansi.Truncate(m.spin.View()+" creating… (sent once; it is not retried)", inner, "…")
		} else {
			// Short enough for an 80-column terminal (enter on the last
			// field submits too: the README says so).
			k := m.sess.Keys
			status = st.Muted.Render(ansi.Truncate(fmt.Sprintf("%d pair(s) · %s add · %s remove · %s submit · %s cancel",
				m.pairs(), k.AddPair.Help().Key, k.RemovePair.Help().Key, k.Submit.Help().Key, k.Back.Help().Key), inner, "…"))
			if m.discarding {
				ask := fmt.Sprintf("Discard what you typed? %s discards · %s keeps editing", k.Confirm.Help().Key, k.Cancel.Help().Key)
				status = st.Warning.Render(ansi.Truncate(ask, inner, "…"))
			}
		}
		var msg []string
		if m.server != "" {
			msg = wrap(st.Modal.FieldError, safe.Line(m.server), inner)
		}
		// What shows, most important first: the title, the focused field
		// (with its "more fields" marks), the status line, the server's
		// message (at least its start), then the other fields nearest the
		// focus. When space is short the blank lines and the call line go
		// first.
		head = append(head, st.Muted.Render(ansi.Truncate("→ POST /native-s3/handler", inner, "…")))
		focused := len(m.fieldLines(m.focus, inner)) + btoi(m.focus > 0) + btoi(m.focus < len(m.fields)-1)
		gapMsg, gapFoot := len(msg) > 0, true
		minMsg := min(len(msg), 2)
		fixed := func() int { return len(head) + focused + btoi(gapMsg) + btoi(gapFoot) + 1 }
		for _, squeeze := range []func(){
			func() { gapMsg = false },
			func() { gapFoot = false },
			func() { head = head[:1] },
			func() { minMsg = min(minMsg, 1) },
		} {
			if fixed()+minMsg <= maxLines {
				break
			}
			squeeze()
		}
		if room := max(maxLines-fixed(), minMsg); len(msg) > room {
			switch {
			case room >= 2:
				msg = append(msg[:room-1:room-1], st.Modal.FieldError.Render("…"))
			case room == 1:
				msg = []string{st.Modal.FieldError.Render(ansi.Truncate(ansi.Strip(msg[0])+" …", inner, "…"))}
			default:
				msg = nil
			}
		}
		var foot []string
		if gapMsg {
			foot = append(foot, "")
		}
		foot = append(foot, msg...)
		if gapFoot {
			foot = append(foot, "")
		}
		foot = append(foot, status)
		lo, hi := m.window(maxLines-len(head)-len(foot), inner)
		var body []string
		if lo > 0 {
			body = append(body, m.more("↑", 0, lo, inner))
		}
		for i := lo; i < hi; i++ {
			body = append(body, m.fieldLines(i, inner)...)
		}
		if hi < len(m.fields) {
			body = append(body, m.more("↓", hi, len(m.fields), inner))
		}
		lines = slices.Concat(head, body, foot)
		if len(lines) > maxLines { // a terminal too small for even that
			lines = format.FitLines(head[:1], body, foot, maxLines, st.Muted.Render("…"))
		}
	}
	return box.Render(lines)
}

// more marks the fields [lo, hi) that are off screen, saying how many of
// them are in error.
func (m *Model) more(arrow string, lo, hi, inner int) string {
	errs := 0
	for i := lo; i < hi; i++ {
		if m.errs[i] != "" {
			errs++
		}
	}
	if errs > 0 {
		return ansi.Truncate(m.sess.Styles.Muted.Render(fmt.Sprintf("  %s %d more ", arrow, hi-lo))+
			m.sess.Styles.Modal.FieldError.Render(fmt.Sprintf("(%d in error)", errs)), inner, "…")
	}
	return m.sess.Styles.Muted.Render(ansi.Truncate(fmt.Sprintf("  %s %d more field(s)", arrow, hi-lo), inner, "…"))
}

// fieldLines draws field i: its label, its input, and its error or warning.
func (m *Model) fieldLines(i, inner int) []string {
	st := m.sess.Styles
	f := m.fields[i]
	label := m.label(f)
	if i == m.focus {
		label = st.Accent.Render("▸ ") + st.Modal.FieldLabel.Render(label)
	} else {
		label = "  " + st.Modal.FieldLabel.Render(label)
	}
	in := f.input
	in.Width = max(inner-4, 4)
	b := []string{ansi.Truncate(label, inner, "…"), ansi.Truncate("  "+in.View(), inner, "")}
	switch {
	case m.errs[i] != "":
		b = append(b, st.Modal.FieldError.Render(ansi.Truncate("  ✗ "+m.errs[i], inner, "…")))
	case m.warns[i] != "":
		b = append(b, st.Modal.FieldWarn.Render(ansi.Truncate("  ! "+m.warns[i], inner, "…")))
	}
	return b
}

// window picks the fields [lo, hi) shown in room lines: the focused one,
// then its neighbours, below and above in turn, while they fit (with a
// "more" line for each hidden side).
func (m *Model) window(room, inner int) (lo, hi int) {
	n := len(m.fields)
	more := func(lo, hi int) int { return btoi(lo > 0) + btoi(hi < n) }
	lo, hi = m.focus, m.focus+1
	used := len(m.fieldLines(m.focus, inner))
	for grew := true; grew; {
		grew = false
		if hi < n {
			if l := len(m.fieldLines(hi, inner)); used+l+more(lo, hi+1) <= room {
				used, hi, grew = used+l, hi+1, true
			}
		}
		if lo > 0 {
			if l := len(m.fieldLines(lo-1, inner)); used+l+more(lo-1, hi) <= room {
				used, lo, grew = used+l, lo-1, true
			}
		}
	}
	return lo, hi
}

// wrap wraps plain text to width and styles each line.
func wrap(st lipgloss.Style, s string, width int) []string {
	lines := strings.Split(ansi.Wrap(s, max(width, 1), " "), "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}

var _ views.View = (*Model)(nil)
