// Package actions holds the write actions (subscribe, disable, delete,
// restore) and the confirm dialog they all go through. No write starts
// without the user's explicit confirmation in that dialog.
package actions

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// Typed is a phrase the user must type exactly before the dialog confirms
// (a source's name for a hard delete, a count for a bulk one, the profile
// name on a protected profile).
type Typed struct {
	Label string // "Type the data source name to confirm"
	Want  string
}

// Outcome is one line of a dialog's result.
type Outcome struct {
	Text string
	OK   bool
}

// Result is what an action reports when it has run.
type Result struct {
	Summary  string
	Outcomes []Outcome
	Failed   bool
	// Follow are commands to run afterwards (refetch the changed sources).
	Follow []tea.Cmd
	// Undo, when set, is offered with the restore key.
	Undo      *Dialog
	UndoLabel string
	// refused says the server clearly said no (nothing changed): a dialog
	// that came from a form goes back to it, input intact.
	refused bool
}

// Spec describes a dialog.
type Spec struct {
	Title        string
	Body         []string // lines, already safe
	Call         string   // the REST call(s) it will make, shown to the user
	ConfirmLabel string
	Danger       bool
	Typed        []Typed
	// Run does the write; it runs in a command, off the UI goroutine, once.
	Run func(ctx context.Context) Result
	// back, when set, reopens the form this dialog came from instead of
	// closing, handing it the flow's claim: on cancel, and after a clear
	// refusal (refusal is the summary), so that nothing typed is lost.
	back func(c *views.WriteClaim, refusal string) tea.Cmd
}

type phase int

const (
	asking phase = iota
	running
	done
)

// Dialog is a modal confirm dialog. It owns its request: closing it cancels
// what is still running.
type Dialog struct {
	sess   *views.Session
	spec   Spec
	base   context.Context
	cancel context.CancelFunc
	w, h   int

	phase  phase
	closed bool
	focus  int // 0 = Cancel, 1 = confirm (buttons); typed fields come first when present
	inputs []textinput.Model
	field  int // focused text field, -1 when the buttons have focus
	hint   string
	spin   spinner.Model
	result Result
	// claim holds the sources of this write flow until the dialog closes
	// (the request it runs holds them too, until it answers).
	claim *views.WriteClaim
	// leaving: the dialog has handed its flow back to its form; keys
	// that arrive before the form replaces it do nothing.
	leaving bool
}

// NewDialog returns a dialog for spec.
func NewDialog(sess *views.Session, spec Spec) *Dialog {
	base, cancel := context.WithCancel(context.Background())
	d := &Dialog{sess: sess, spec: spec, base: base, cancel: cancel, field: -1,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(sess.Styles.Accent))}
	for i, t := range spec.Typed {
		in := textinput.New()
		in.Prompt = "> "
		in.CharLimit = 500
		in.Placeholder = ""
		if i == 0 {
			in.Focus()
			d.field = 0
		}
		_ = t
		d.inputs = append(d.inputs, in)
	}
	return d
}

func (d *Dialog) Init() tea.Cmd {
	if d.field >= 0 {
		return textinput.Blink
	}
	return nil
}

func (d *Dialog) Title() string       { return d.spec.Title }
func (d *Dialog) CapturesInput() bool { return true } // a modal takes all keys
func (d *Dialog) SetSize(w, h int)    { d.w, d.h = w, h }

// Close cancels what the dialog still runs and ends its write flow; a
// request already sent keeps the sources taken until it has answered.
func (d *Dialog) Close() {
	d.cancel()
	d.letGo()
}

// letGo gives up the dialog's hold on its sources.
func (d *Dialog) letGo() {
	d.claim.Release()
	d.claim = nil
}

// Closed reports that the dialog has asked to close (views.Closing), so
// the root closes it before the next key arrives.
func (d *Dialog) Closed() bool { return d.closed }

// close ends the dialog: it hands the flow back to its form (the command
// that reopens it), or marks itself closed (views.Closing) and returns nil.
func (d *Dialog) close() tea.Cmd {
	if d.spec.back != nil && (d.phase == asking || d.phase == done && d.result.refused) {
		refusal := ""
		if d.phase == done {
			refusal = d.result.Summary
		}
		c := d.claim
		d.claim, d.leaving = nil, true
		return d.spec.back(c, refusal)
	}
	d.closed = true
	d.letGo() // the flow has ended: cancelled, or its result read
	return nil
}

// handOff opens the confirm dialog for spec in a form's place (the
// member, tag and decision forms): the dialog takes the form's claim on
// the flow (*claim is left nil), and back reopens the form with it when
// the dialog is cancelled or clearly refused, so that nothing typed is
// lost.
func handOff(sess *views.Session, spec Spec, claim **views.WriteClaim, back func(c *views.WriteClaim, refusal string) tea.Cmd) tea.Cmd {
	spec.back = back
	d := NewDialog(sess, protect(sess, spec))
	d.claim, *claim = *claim, nil
	return views.OpenModal(d)
}

// Done reports whether the action has run.
func (d *Dialog) Done() bool { return d.phase == done }

// resultMsg carries the action's outcome back to this dialog.
type resultMsg struct{ r Result }

func (d *Dialog) typedOK() bool {
	for i, t := range d.spec.Typed {
		if d.inputs[i].Value() != t.Want {
			return false
		}
	}
	return true
}

func (d *Dialog) confirm() tea.Cmd {
	if !d.typedOK() {
		for i, t := range d.spec.Typed {
			if d.inputs[i].Value() != t.Want {
				d.hint = fmt.Sprintf("Type %q exactly to confirm.", t.Want)
				d.focusField(i)
				return nil
			}
		}
	}
	d.phase = running
	run, ctx, c := d.spec.Run, d.base, d.claim
	held := c.Hold() // the request keeps its sources even if the dialog goes
	return tea.Batch(d.spin.Tick, views.Track(d.spec.Title, func() tea.Msg {
		if held {
			defer c.Release()
		}
		return resultMsg{run(ctx)}
	}))
}

func (d *Dialog) focusField(i int) {
	for j := range d.inputs {
		d.inputs[j].Blur()
	}
	d.field = i
	if i >= 0 {
		d.inputs[i].Focus()
	}
}

func (d *Dialog) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case resultMsg:
		d.phase = done
		d.result = msg.r
		cmds := append([]tea.Cmd{}, msg.r.Follow...)
		level := views.Success
		if msg.r.Failed {
			level = views.Warn
		}
		cmds = append(cmds, views.Status(msg.r.Summary, level))
		return d, tea.Batch(cmds...)
	case spinner.TickMsg:
		if d.phase != running {
			return d, nil
		}
		var cmd tea.Cmd
		d.spin, cmd = d.spin.Update(msg)
		return d, cmd
	case tea.KeyMsg:
		return d, d.key(msg)
	}
	if d.field >= 0 {
		var cmd tea.Cmd
		d.inputs[d.field], cmd = d.inputs[d.field].Update(msg)
		return d, cmd
	}
	return d, nil
}

func (d *Dialog) key(msg tea.KeyMsg) tea.Cmd {
	k := d.sess.Keys
	if d.leaving {
		return nil
	}
	switch d.phase {
	case running:
		return nil // nothing may start twice; ctrl+c still quits (root)
	case done:
		if d.result.Undo != nil && key.Matches(msg, k.Restore) && !d.sess.ReadOnly {
			// The undo continues this flow: it takes over the sources,
			// and only it may replace this dialog (the root's rule).
			u := d.result.Undo
			d.result.Undo = nil // once
			u.claim, d.claim = d.claim, nil
			return views.OpenModal(u)
		}
		if key.Matches(msg, k.Accept, k.Back, k.Quit) {
			return d.close()
		}
		return nil
	}
	// asking
	if key.Matches(msg, k.Back) {
		return d.close()
	}
	if d.field >= 0 {
		// Letters go to the field; only keys that type nothing act.
		switch {
		case key.Matches(msg, k.Accept):
			if d.field < len(d.inputs)-1 {
				d.focusField(d.field + 1)
				return nil
			}
			return d.confirm()
		case key.Matches(msg, k.NextField, k.CursorDown):
			if d.field < len(d.inputs)-1 {
				d.focusField(d.field + 1)
			} else {
				d.focusField(-1)
				d.focus = 0
			}
			return nil
		case key.Matches(msg, k.PrevField, k.CursorUp):
			if d.field > 0 {
				d.focusField(d.field - 1)
			}
			return nil
		}
		var cmd tea.Cmd
		d.inputs[d.field], cmd = d.inputs[d.field].Update(safe.Typed(msg))
		d.hint = ""
		return cmd
	}
	switch {
	case key.Matches(msg, k.Confirm):
		return d.confirm()
	case key.Matches(msg, k.Cancel):
		return d.close()
	case key.Matches(msg, k.Accept):
		if d.focus == 1 {
			return d.confirm()
		}
		return d.close()
	case key.Matches(msg, k.NextField, k.Right, k.Left, k.CursorDown):
		d.focus = 1 - d.focus
	case key.Matches(msg, k.PrevField, k.CursorUp):
		if len(d.inputs) > 0 {
			d.focusField(len(d.inputs) - 1)
		} else {
			d.focus = 1 - d.focus
		}
	}
	return nil
}

func (d *Dialog) ShortHelp() []key.Binding {
	k := d.sess.Keys
	switch d.phase {
	case running:
		return []key.Binding{keymap.Busy("working")}
	case done:
		out := []key.Binding{keymap.Help("close", k.Accept, k.Back)}
		if d.result.Undo != nil && !d.sess.ReadOnly {
			out = append(out, keymap.Help(d.result.UndoLabel, k.Restore))
		}
		return out
	}
	if d.field >= 0 {
		return []key.Binding{keymap.Help("confirm", k.Accept), keymap.Help("buttons", k.NextField), keymap.Help("cancel", k.Back)}
	}
	return []key.Binding{
		keymap.Help(d.confirmLabel(), k.Confirm),
		keymap.Help("cancel", k.Cancel, k.Back),
		keymap.Help("move", k.NextField, k.Left, k.Right),
		keymap.Help("press highlighted", k.Accept),
	}
}

func (d *Dialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

func (d *Dialog) confirmLabel() string {
	if d.spec.ConfirmLabel != "" {
		return d.spec.ConfirmLabel
	}
	return "Confirm"
}

func (d *Dialog) View() string {
	st := d.sess.Styles
	style, title := st.Modal.Box, st.Modal.Title
	if d.spec.Danger {
		style, title = st.Modal.DangerBox, st.Modal.DangerTitle
	}
	box := format.NewBox(style, d.w, d.h, 20, 76)
	inner := box.Inner
	head := append(box.Text(title, d.spec.Title, 2), "")
	var mid []string
	for _, l := range d.spec.Body {
		mid = append(mid, wrapIndented(l, inner)...)
	}
	if d.spec.Call != "" {
		// A body (a member's new expiration) is part of what is confirmed:
		// the call wraps rather than lose its end.
		mid = append(mid, "")
		mid = append(mid, box.Text(st.Modal.Call, "→ "+d.spec.Call, 3)...)
	}
	// Keep the box within the body height. The title, the fields being
	// typed into and the buttons (or the outcomes) matter most: the
	// explanation is cut first, and a dialog with several fields shows
	// only the focused one when space is short.
	tail := d.tail(box, false)
	if len(head)+min(len(mid), 1)+len(tail) > box.Lines && len(d.inputs) > 1 {
		tail = d.tail(box, true)
	}
	return box.Fit(head, mid, tail, st.Muted.Render("…"))
}

// tail is the part of the dialog below its explanation: the typed fields
// and buttons, the spinner, or the outcomes. compact keeps only the
// focused field.
func (d *Dialog) tail(box format.Box, compact bool) []string {
	inner := box.Inner
	st := d.sess.Styles
	var b []string
	switch d.phase {
	case asking:
		show := d.field
		if show < 0 {
			show = len(d.inputs) - 1
		}
		for i, t := range d.spec.Typed {
			if compact && i != show {
				continue
			}
			b = append(b, "")
			b = append(b, box.Text(st.Modal.FieldLabel, t.Label, 2)...)
			d.inputs[i].Width = max(inner-4, 4)
			b = append(b, ansi.Truncate(d.inputs[i].View(), inner, ""))
		}
		if d.hint != "" {
			b = append(b, st.Modal.FieldError.Render(ansi.Truncate(d.hint, inner, "…")))
		}
		b = append(b, "")
		b = append(b, d.buttons(inner)...)
	case running:
		b = append(b, "", ansi.Truncate(d.spin.View()+" working… (nothing is sent twice)", inner, "…"))
	case done:
		b = append(b, "")
		for _, o := range d.result.Outcomes {
			glyph, style := "✓ ", st.Success
			if !o.OK {
				glyph, style = "✗ ", st.Error
			}
			for i, l := range format.WrapText(o.Text, inner-2) {
				if i == 0 {
					b = append(b, style.Render(glyph)+l)
				} else {
					b = append(b, "  "+l)
				}
			}
		}
		b = append(b, "", st.Muted.Render(ansi.Truncate(d.doneHint(), inner, "…")))
	}
	return b
}

func (d *Dialog) doneHint() string {
	k := d.sess.Keys
	enter := k.Accept.Help().Key
	if d.spec.back != nil && d.result.refused {
		return enter + " goes back to the form (what you typed is kept)"
	}
	if d.result.Undo != nil && !d.sess.ReadOnly {
		return fmt.Sprintf("%s closes · %s %s", enter, k.Restore.Help().Key, d.result.UndoLabel)
	}
	return enter + " closes"
}

// buttons draws Cancel and the confirm button. The focused one is drawn
// in the active style and also bracketed, so that the focus shows without
// colours too (NO_COLOR, or the Ascii profile, drops reverse video).
func (d *Dialog) buttons(inner int) []string {
	st := d.sess.Styles
	cancel, ok := st.Modal.Button, st.Modal.Button
	active := st.Modal.ButtonActive
	if d.spec.Danger {
		active = st.Modal.DangerButtonActive
	}
	cl, ol := " Cancel ", " "+d.confirmLabel()+" "
	if d.field < 0 {
		if d.focus == 0 {
			cancel, cl = active, "[Cancel]"
		} else {
			ok, ol = active, "["+d.confirmLabel()+"]"
		}
	}
	c, o := cancel.Render(cl), ok.Render(ol)
	row := lipgloss.JoinHorizontal(lipgloss.Top, c, "  ", o)
	if lipgloss.Width(row) > inner { // narrow: less padding, then one above the other
		c, o = cancel.Padding(0, 1).Render(cl), ok.Padding(0, 1).Render(ol)
		if row = lipgloss.JoinHorizontal(lipgloss.Top, c, " ", o); lipgloss.Width(row) > inner {
			row = lipgloss.JoinVertical(lipgloss.Left, c, o)
		}
	}
	lines := strings.Split(row, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, inner, "…")
	}
	return lines
}

// wrapIndented wraps an indented line (a list item) with its continuation
// lines indented two cells further.
func wrapIndented(s string, width int) []string {
	trimmed := strings.TrimLeft(s, " ")
	indent := len(s) - len(trimmed)
	if indent == 0 || width-indent-2 < 10 {
		return format.WrapText(s, width)
	}
	lines := format.WrapText(trimmed, width-indent-2)
	for i := range lines {
		pad := indent + 2
		if i == 0 {
			pad = indent
		}
		lines[i] = strings.Repeat(" ", pad) + lines[i]
	}
	return lines
}

var _ views.View = (*Dialog)(nil)
