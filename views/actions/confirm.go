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

	"github.com/dsbrowse/dsbrowse/views"
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
	ctx    *views.Context
	spec   Spec
	base   context.Context
	cancel context.CancelFunc
	w, h   int

	phase  phase
	focus  int // 0 = Cancel, 1 = confirm (buttons); typed fields come first when present
	inputs []textinput.Model
	field  int // focused text field, -1 when the buttons have focus
	hint   string
	spin   spinner.Model
	result Result
}

// NewDialog returns a dialog for spec.
func NewDialog(ctx *views.Context, spec Spec) *Dialog {
	base, cancel := context.WithCancel(context.Background())
	d := &Dialog{ctx: ctx, spec: spec, base: base, cancel: cancel, field: -1,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(ctx.Styles.Accent))}
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
func (d *Dialog) Close()              { d.cancel() }

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
	run, ctx := d.spec.Run, d.base
	return tea.Batch(d.spin.Tick, views.Track(d.spec.Title, func() tea.Msg { return resultMsg{run(ctx)} }))
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
	k := d.ctx.Keys
	switch d.phase {
	case running:
		return nil // nothing may start twice; ctrl+c still quits (root)
	case done:
		if d.result.Undo != nil && key.Matches(msg, k.WriteKeys()[3]) && !d.ctx.ReadOnly {
			return views.OpenModal(d.result.Undo)
		}
		if msg.Type == tea.KeyEnter || msg.Type == tea.KeyEsc || key.Matches(msg, k.Back) || msg.String() == "q" {
			return views.CloseModal
		}
		return nil
	}
	// asking
	if msg.Type == tea.KeyEsc || key.Matches(msg, k.Back) {
		return views.CloseModal
	}
	if d.field >= 0 {
		// Letters go to the field; only esc cancels.
		switch {
		case msg.Type == tea.KeyEnter:
			if d.field < len(d.inputs)-1 {
				d.focusField(d.field + 1)
				return nil
			}
			return d.confirm()
		case msg.Type == tea.KeyTab || msg.Type == tea.KeyDown:
			if d.field < len(d.inputs)-1 {
				d.focusField(d.field + 1)
			} else {
				d.focusField(-1)
				d.focus = 0
			}
			return nil
		case msg.Type == tea.KeyShiftTab || msg.Type == tea.KeyUp:
			if d.field > 0 {
				d.focusField(d.field - 1)
			}
			return nil
		}
		var cmd tea.Cmd
		d.inputs[d.field], cmd = d.inputs[d.field].Update(msg)
		d.hint = ""
		return cmd
	}
	switch {
	case key.Matches(msg, k.Confirm):
		return d.confirm()
	case key.Matches(msg, k.Cancel):
		return views.CloseModal
	case msg.Type == tea.KeyEnter:
		if d.focus == 1 {
			return d.confirm()
		}
		return views.CloseModal
	case msg.Type == tea.KeyTab, msg.Type == tea.KeyRight, msg.Type == tea.KeyLeft, msg.String() == "l", msg.String() == "h":
		d.focus = 1 - d.focus
	case msg.Type == tea.KeyShiftTab || msg.Type == tea.KeyUp:
		if len(d.inputs) > 0 {
			d.focusField(len(d.inputs) - 1)
		} else {
			d.focus = 1 - d.focus
		}
	}
	return nil
}

func (d *Dialog) ShortHelp() []key.Binding {
	switch d.phase {
	case running:
		return []key.Binding{key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("…", "working"))}
	case done:
		out := []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/esc", "close"))}
		if d.result.Undo != nil && !d.ctx.ReadOnly {
			u := d.ctx.Keys.WriteKeys()[3]
			out = append(out, key.NewBinding(key.WithKeys(u.Keys()...), key.WithHelp(u.Help().Key, d.result.UndoLabel)))
		}
		return out
	}
	if d.field >= 0 {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")),
			key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "buttons")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	}
	return []key.Binding{
		key.NewBinding(key.WithKeys("y"), key.WithHelp("y", d.confirmLabel())),
		key.NewBinding(key.WithKeys("n"), key.WithHelp("n/esc", "cancel")),
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab/←→", "move")),
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "press highlighted")),
	}
}

func (d *Dialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

func (d *Dialog) confirmLabel() string {
	if d.spec.ConfirmLabel != "" {
		return d.spec.ConfirmLabel
	}
	return "Confirm"
}

// boxWidth is the dialog's outer width for the current terminal.
func (d *Dialog) boxWidth() int { return max(min(d.w-4, 76), 20) }

func (d *Dialog) View() string {
	st := d.ctx.Styles
	box, title := st.Modal.Box, st.Modal.Title
	if d.spec.Danger {
		box, title = st.Modal.DangerBox, st.Modal.DangerTitle
	}
	inner := d.boxWidth() - box.GetHorizontalFrameSize()
	var b []string
	b = append(b, title.Render(ansi.Truncate(d.spec.Title, inner, "…")), "")
	for _, l := range d.spec.Body {
		b = append(b, wrapText(l, inner)...)
	}
	if d.spec.Call != "" {
		b = append(b, "")
		b = append(b, st.Modal.Call.Render(ansi.Truncate("→ "+d.spec.Call, inner, "…")))
	}
	switch d.phase {
	case asking:
		for i, t := range d.spec.Typed {
			b = append(b, "", st.Modal.FieldLabel.Render(ansi.Truncate(t.Label, inner, "…")))
			d.inputs[i].Width = max(inner-4, 4)
			b = append(b, d.inputs[i].View())
		}
		if d.hint != "" {
			b = append(b, st.Modal.FieldError.Render(ansi.Truncate(d.hint, inner, "…")))
		}
		b = append(b, "", d.buttons())
	case running:
		b = append(b, "", d.spin.View()+" working… (nothing is sent twice)")
	case done:
		b = append(b, "")
		for _, o := range d.result.Outcomes {
			glyph, style := "✓ ", st.Success
			if !o.OK {
				glyph, style = "✗ ", st.Error
			}
			for i, l := range wrapText(o.Text, inner-2) {
				if i == 0 {
					b = append(b, style.Render(glyph)+l)
				} else {
					b = append(b, "  "+l)
				}
			}
		}
		b = append(b, "", st.Muted.Render(d.doneHint()))
	}
	body := strings.Join(b, "\n")
	// Keep the box within the body height: cut the middle lines if needed.
	maxLines := max(d.h-box.GetVerticalFrameSize(), 3)
	if lines := strings.Split(body, "\n"); len(lines) > maxLines {
		keepTail := min(4, maxLines/2)
		lines = append(append(lines[:maxLines-keepTail-1:maxLines-keepTail-1], st.Muted.Render("…")), lines[len(lines)-keepTail:]...)
		body = strings.Join(lines, "\n")
	}
	return box.Width(inner + box.GetHorizontalPadding()).Render(body)
}

func (d *Dialog) doneHint() string {
	if d.result.Undo != nil && !d.ctx.ReadOnly {
		return fmt.Sprintf("enter closes · %s %s", d.ctx.Keys.WriteKeys()[3].Help().Key, d.result.UndoLabel)
	}
	return "enter closes"
}

func (d *Dialog) buttons() string {
	st := d.ctx.Styles
	cancel, ok := st.Modal.Button, st.Modal.Button
	active := st.Modal.ButtonActive
	if d.spec.Danger {
		active = st.Modal.DangerButtonActive
	}
	if d.field < 0 {
		if d.focus == 0 {
			cancel = active
		} else {
			ok = active
		}
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, cancel.Render("Cancel"), "  ", ok.Render(d.confirmLabel()))
}

// wrapText wraps plain text to width cells.
func wrapText(s string, width int) []string {
	if width <= 0 {
		return nil
	}
	return strings.Split(ansi.Wrap(s, width, " "), "\n")
}

var _ views.View = (*Dialog)(nil)
