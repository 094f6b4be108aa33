package actions

// The member form: a modal that collects a member write (the state and
// expiration of a member, or who to add, in which state, until when),
// checks it, looks a typed email or name up, and then hands the flow to
// the confirm dialog. Cancel there, or a clear refusal from the server,
// brings the form back with everything typed still in it.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

type formPhase int

const (
	formEditing   formPhase = iota
	formResolving           // looking a typed email or name up
	formHanded              // the confirm dialog has the flow
)

type fieldKind int

const (
	fieldType fieldKind = iota // user or group (add only)
	fieldWho                   // profile id, group id, email or name (add only)
	fieldState
	fieldExpires
)

type formField struct {
	kind    fieldKind
	options []string // a choice: ←/→ or space pick one
	choice  int
	input   textinput.Model // a text field
}

func (f *formField) choiceField() bool { return f.options != nil }
func (f *formField) value() string {
	if f.choiceField() {
		return f.options[f.choice]
	}
	return strings.TrimSpace(f.input.Value())
}

// MemberForm is the modal form of a member write.
type MemberForm struct {
	sess   *views.Session
	src    Target
	member *apiclient.AccessUser // nil: add a member
	claim  *views.WriteClaim
	base   context.Context
	cancel context.CancelFunc
	w, h   int

	fields []formField
	focus  int
	phase  formPhase
	closed bool
	errs   map[int]string
	server string // the server's refusal (or a failed lookup), above the hint
	spin   spinner.Model
}

var (
	_ views.View    = (*MemberForm)(nil)
	_ views.Closer  = (*MemberForm)(nil)
	_ views.Closing = (*MemberForm)(nil)
)

func newMemberForm(sess *views.Session, src Target, u *apiclient.AccessUser, c *views.WriteClaim) *MemberForm {
	m := &MemberForm{sess: sess, src: src, member: u, claim: c, errs: map[int]string{},
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(sess.Styles.Accent))}
	m.base, m.cancel = context.WithCancel(context.Background())
	text := func(k fieldKind, placeholder, value string) formField {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = placeholder
		in.CharLimit = 320
		in.SetValue(value)
		return formField{kind: k, input: in}
	}
	state := formField{kind: fieldState, options: MemberStates}
	exp := ""
	if u != nil {
		for i, s := range MemberStates {
			if s == u.State {
				state.choice = i
			}
		}
		if x := Expiration(*u); x != "" {
			exp = dateOf(x)
		}
	} else {
		m.fields = append(m.fields,
			formField{kind: fieldType, options: []string{"user", "group"}},
			text(fieldWho, "profile id, email or name", ""))
	}
	hint := "YYYY-MM-DD, or empty for none"
	if exp != "" {
		// Empty sends no expiration, which keeps the one set: the API
		// describes no way to remove it, so the hint does not promise one.
		hint = "YYYY-MM-DD; empty keeps " + exp
	}
	m.fields = append(m.fields, state, text(fieldExpires, hint, exp))
	m.setFocus(0)
	return m
}

// Values returns the form's values, field by field (for tests).
func (m *MemberForm) Values() []string {
	out := make([]string, len(m.fields))
	for i := range m.fields {
		out[i] = m.fields[i].value()
	}
	return out
}

func (m *MemberForm) setFocus(i int) tea.Cmd {
	for j := range m.fields {
		m.fields[j].input.Blur()
	}
	m.focus = max(0, min(i, len(m.fields)-1))
	if f := &m.fields[m.focus]; !f.choiceField() {
		return f.input.Focus()
	}
	return nil
}

func (m *MemberForm) Init() tea.Cmd       { return textinput.Blink }
func (m *MemberForm) CapturesInput() bool { return true }
func (m *MemberForm) SetSize(w, h int)    { m.w, m.h = w, h }

func (m *MemberForm) Title() string {
	if m.member == nil {
		return "Add a member to " + m.src.Name
	}
	return fmt.Sprintf("Change %s's access to %s", memberName(*m.member), m.src.Name)
}

// Close cancels a lookup still running and, unless the dialog has taken
// it, ends the write flow.
func (m *MemberForm) Close() {
	m.cancel()
	m.claim.Release()
	m.claim = nil
}

// Closed reports that the form has asked to close (views.Closing).
func (m *MemberForm) Closed() bool { return m.closed }

func (m *MemberForm) close() {
	m.closed = true
	m.claim.Release()
	m.claim = nil
}

func (m *MemberForm) field(k fieldKind) *formField {
	for i := range m.fields {
		if m.fields[i].kind == k {
			return &m.fields[i]
		}
	}
	return nil
}

func (m *MemberForm) index(k fieldKind) int {
	for i := range m.fields {
		if m.fields[i].kind == k {
			return i
		}
	}
	return -1
}

// expires checks the expiration typed: empty is none; else a date (or
// RFC 3339 time) that has not passed.
func (m *MemberForm) expires() (*time.Time, string) {
	s := m.field(fieldExpires).value()
	if s == "" {
		return nil, ""
	}
	t, err := apiclient.ParseDate(s)
	if err != nil {
		return nil, "a date as YYYY-MM-DD, e.g. " + m.sess.Clock().AddDate(0, 1, 0).UTC().Format(time.DateOnly)
	}
	today := m.sess.Clock().UTC().Truncate(24 * time.Hour)
	if t.Before(today) {
		return nil, "that date has passed"
	}
	return &t, ""
}

type resolvedMsg struct {
	r   resolved
	err error
}

// submit checks the fields; a typed email or name is looked up first.
// Nothing is sent from here: the confirm dialog sends.
func (m *MemberForm) submit() tea.Cmd {
	if m.phase != formEditing {
		return nil
	}
	m.errs, m.server = map[int]string{}, ""
	exp, bad := m.expires()
	if bad != "" {
		m.errs[m.index(fieldExpires)] = bad
	}
	state := m.field(fieldState).value()
	if m.member != nil {
		same := exp == nil || Expiration(*m.member) != "" && dateOf(Expiration(*m.member)) == exp.UTC().Format(time.DateOnly)
		if bad == "" && state == m.member.State && same {
			m.errs[m.index(fieldState)] = "nothing to change: pick another state or a new expiration"
			if had := Expiration(*m.member); had != "" && exp == nil {
				m.errs[m.index(fieldState)] = "nothing to change: an empty date keeps " + dateOf(had) +
					" (an expiration cannot be removed here); pick another state or date"
			}
		}
		if len(m.errs) > 0 {
			return m.focusError()
		}
		return m.handOff(m.editSpec(apiclient.AccessChange{State: state, Expiration: exp}))
	}
	who := m.field(fieldWho).value()
	if who == "" {
		m.errs[m.index(fieldWho)] = "required: a profile id, an email or a name"
	}
	if len(m.errs) > 0 {
		return m.focusError()
	}
	group := m.field(fieldType).value() == "group"
	m.phase = formResolving
	sess, base, src := m.sess, m.base, m.src.ID
	return tea.Batch(m.spin.Tick, views.Track("looking up "+who, func() tea.Msg {
		r, err := resolveMember(sess, base, src, group, who)
		return resolvedMsg{r: r, err: err}
	}))
}

func (m *MemberForm) focusError() tea.Cmd {
	for i := range m.fields {
		if m.errs[i] != "" {
			return m.setFocus(i)
		}
	}
	return nil
}

func (m *MemberForm) onResolved(msg resolvedMsg) tea.Cmd {
	if m.phase != formResolving {
		return nil
	}
	m.phase = formEditing
	if msg.err != nil {
		var le errLookup
		if errors.As(msg.err, &le) {
			m.errs[m.index(fieldWho)] = le.msg
		} else {
			m.errs[m.index(fieldWho)] = "lookup failed: " + apiclient.Explain(msg.err)
		}
		return m.setFocus(m.index(fieldWho))
	}
	exp, bad := m.expires()
	if bad != "" { // checked before the lookup; the clock may have turned
		m.errs[m.index(fieldExpires)] = bad
		return m.focusError()
	}
	req := apiclient.AddAccessRequest{State: m.field(fieldState).value(), Expiration: exp}
	if msg.r.group {
		req.GroupID = msg.r.id
	} else {
		req.ProfileID = msg.r.id
	}
	return m.handOff(m.addSpec(msg.r.who, req))
}

func (m *MemberForm) editSpec(ch apiclient.AccessChange) Spec {
	u := *m.member
	body := []string{memberLine(u), ""}
	body = append(body, fmt.Sprintf("State: %s → %s", orNone(u.State), ch.State))
	old := "none"
	if x := Expiration(u); x != "" {
		old = dateOf(x)
	}
	if ch.Expiration != nil {
		body = append(body, fmt.Sprintf("Expires: %s → %s", old, ch.Expiration.UTC().Format(time.DateOnly)))
	} else {
		body = append(body, "Expires: "+old+" (not sent: unchanged)")
	}
	return Spec{
		Title:        m.Title(),
		Body:         body,
		Call:         setCall(m.src.ID, u.SubscriptionID, ch),
		ConfirmLabel: "Change",
		Run:          setRun(m.sess, m.src, u, ch),
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func (m *MemberForm) addSpec(who string, req apiclient.AddAccessRequest) Spec {
	until := "with no expiration"
	if req.Expiration != nil {
		until = "until " + req.Expiration.UTC().Format(time.DateOnly)
	}
	return Spec{
		Title:        fmt.Sprintf("Add %s to %s", who, m.src.Name),
		Body:         []string{"  • " + who, "", fmt.Sprintf("As %s, %s.", req.State, until)},
		Call:         addCall(m.src.ID, req),
		ConfirmLabel: "Add",
		Run:          addRun(m.sess, m.src, who, req),
	}
}

func (m *MemberForm) handOff(spec Spec) tea.Cmd {
	m.phase = formHanded
	return handOff(m.sess, spec, &m.claim, m.back)
}

func (m *MemberForm) back(c *views.WriteClaim, refusal string) tea.Cmd {
	m.claim, m.phase, m.server, m.closed = c, formEditing, refusal, false
	m.base, m.cancel = context.WithCancel(context.Background()) // the last close cancelled the old one
	m.setFocus(m.focus)
	return views.OpenModal(m)
}

func (m *MemberForm) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case resolvedMsg:
		return m, m.onResolved(msg)
	case spinner.TickMsg:
		if m.phase != formResolving {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	if f := &m.fields[m.focus]; !f.choiceField() {
		var cmd tea.Cmd
		f.input, cmd = f.input.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *MemberForm) key(msg tea.KeyMsg) tea.Cmd {
	if m.phase == formHanded {
		return nil // the dialog has the flow; a late key does nothing
	}
	k := m.sess.Keys
	if key.Matches(msg, k.Back) {
		m.close() // also while a lookup runs: nothing was sent
		return nil
	}
	if m.phase != formEditing {
		return nil
	}
	f := &m.fields[m.focus]
	switch {
	case key.Matches(msg, k.Submit):
		return m.submit()
	case key.Matches(msg, k.NextField, k.CursorDown):
		return m.setFocus((m.focus + 1) % len(m.fields))
	case key.Matches(msg, k.PrevField, k.CursorUp):
		return m.setFocus((m.focus - 1 + len(m.fields)) % len(m.fields))
	case key.Matches(msg, k.Accept):
		if m.focus == len(m.fields)-1 {
			return m.submit()
		}
		return m.setFocus(m.focus + 1)
	case f.choiceField():
		switch {
		case key.Matches(msg, k.Left):
			f.choice = (f.choice - 1 + len(f.options)) % len(f.options)
		case key.Matches(msg, k.Right, k.Mark):
			f.choice = (f.choice + 1) % len(f.options)
		default:
			return nil
		}
		delete(m.errs, m.focus)
		if f.kind == fieldType {
			m.field(fieldWho).input.Placeholder = map[bool]string{true: "group id or name", false: "profile id, email or name"}[f.value() == "group"]
		}
		return nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(safe.Typed(msg))
	delete(m.errs, m.focus) // the user is fixing it
	m.server = ""
	return cmd
}

func (m *MemberForm) ShortHelp() []key.Binding {
	k := m.sess.Keys
	cancel := keymap.Help("cancel", k.Back)
	if m.phase == formResolving {
		return []key.Binding{cancel}
	}
	out := []key.Binding{k.NextField, k.PrevField}
	if m.fields[m.focus].choiceField() {
		out = append(out, keymap.Help("choose", k.Left, k.Right))
	}
	return append(out, keymap.Help("next/go on", k.Accept), k.Submit, cancel)
}

func (m *MemberForm) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *MemberForm) label(k fieldKind) string {
	switch k {
	case fieldType:
		return "Add a"
	case fieldWho:
		if m.field(fieldType).value() == "group" {
			return "Group"
		}
		return "User"
	case fieldState:
		return "State"
	}
	return "Expires"
}

const labelWidth = 9

func (m *MemberForm) View() string {
	st := m.sess.Styles
	box := format.NewBox(st.Modal.Box, m.w, m.h, 30, 76)
	inner, maxLines := box.Inner, box.Lines
	head := box.Text(st.Modal.Title, m.Title(), 2)
	call := fmt.Sprintf("→ POST /dataSource/%d/access", m.src.ID)
	if m.member != nil {
		call = fmt.Sprintf("→ PUT /dataSource/%d/access/%d", m.src.ID, m.member.SubscriptionID)
	}
	head = append(head, st.Modal.Call.Render(ansi.Truncate(call, inner, "…")), "")
	fields := make([][]string, len(m.fields))
	var body []string
	for i := range m.fields {
		fields[i] = m.fieldLines(i, inner)
		body = append(body, fields[i]...)
	}
	var tail []string
	if m.server != "" {
		tail = append(tail, "")
		tail = append(tail, box.Text(st.Modal.FieldError, m.server, 3)...)
	}
	tail = append(tail, "")
	switch m.phase {
	case formResolving:
		tail = append(tail, ansi.Truncate(m.spin.View()+" looking up "+m.field(fieldWho).value()+"… (nothing is sent)", inner, "…"))
	default:
		k := m.sess.Keys
		tail = append(tail, st.Muted.Render(ansi.Truncate(fmt.Sprintf("%s moves · %s picks · %s confirms · %s cancels",
			k.NextField.Help().Key, keymap.Help("", k.Left, k.Right).Help().Key, k.Submit.Help().Key, k.Back.Help().Key), inner, "…")))
	}
	if len(head)+len(body)+len(tail) > maxLines {
		// Short of room: the title, the focused field (and its error),
		// its neighbours while they fit, the server's word, the hint.
		head = head[:1]
		tail = slices.DeleteFunc(tail, func(l string) bool { return l == "" })
		if len(tail) > 2 {
			tail = append(tail[:1:1], tail[len(tail)-1])
		}
		lo, hi := m.focus, m.focus+1
		used := len(fields[m.focus])
		for grew := true; grew; {
			grew = false
			if hi < len(fields) && len(head)+used+len(fields[hi])+len(tail) <= maxLines {
				used, hi, grew = used+len(fields[hi]), hi+1, true
			}
			if lo > 0 && len(head)+used+len(fields[lo-1])+len(tail) <= maxLines {
				used, lo, grew = used+len(fields[lo-1]), lo-1, true
			}
		}
		body = slices.Concat(fields[lo:hi]...)
	}
	return box.Fit(head, body, tail, st.Muted.Render("…"))
}

// fieldLines draws field i on one line (label, value) and its error.
func (m *MemberForm) fieldLines(i, inner int) []string {
	st := m.sess.Styles
	f := &m.fields[i]
	mark := "  "
	if i == m.focus {
		mark = st.Accent.Render("▸ ")
	}
	label := st.Modal.FieldLabel.Render(fmt.Sprintf("%-*s", labelWidth, m.label(f.kind)))
	var val string
	if f.choiceField() {
		parts := make([]string, len(f.options))
		for j, o := range f.options {
			if j == f.choice {
				parts[j] = "[" + o + "]"
				if i == m.focus {
					parts[j] = st.Modal.ButtonActive.Padding(0).Render("[" + o + "]")
				}
			} else {
				parts[j] = " " + o + " "
			}
		}
		val = strings.Join(parts, " ")
	} else {
		in := f.input
		in.Width = max(inner-labelWidth-5, 4)
		val = " " + in.View() // in line with the choices' words, not their brackets
	}
	out := []string{ansi.Truncate(mark+label+" "+val, inner, "")}
	if e := m.errs[i]; e != "" {
		for _, l := range format.ClipLines(format.WrapText("✗ "+e, inner-4), 3) {
			out = append(out, "    "+st.Modal.FieldError.Render(l))
		}
	}
	return out
}
