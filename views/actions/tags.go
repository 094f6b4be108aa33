package actions

// Tag writes on a data source: add one (POST /tag/datasource/{id} with
// [{"name":...}]) or remove one (DELETE /tag/datasource/{id}/{tag}). A
// small form takes the tag (typed, or picked among the source's), then the
// confirm dialog does the rest like every other write: the read-only gate,
// one flow per source (claimed from the key press until the dialog
// closes), Cancel focused, the protected-profile prompt, sent once, and
// the outcome told from the answer and the tags read back right after it.
// Cancel, or a clear refusal, brings the form back with the input kept.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// AddTag opens the form that adds a tag to src; current are the tags the
// view shows (a name already there is refused before anything is sent).
func AddTag(sess *views.Session, src Target, current apiclient.Tags) tea.Cmd {
	return openTagForm(sess, src, current, false)
}

// RemoveTag opens the form that removes one of current (the source's tags
// as the view shows them) from src.
func RemoveTag(sess *views.Session, src Target, current apiclient.Tags) tea.Cmd {
	if !sess.ReadOnly && len(current) == 0 {
		return views.Status(safe.Line(src.Name)+" has no tags to remove", views.Warn)
	}
	return openTagForm(sess, src, current, true)
}

func openTagForm(sess *views.Session, src Target, current apiclient.Tags, remove bool) tea.Cmd {
	if sess.ReadOnly {
		return views.Status("read-only mode: writes are disabled", views.Warn)
	}
	src, c, refused := claimOne(sess, src)
	if refused != nil {
		return refused
	}
	return views.OpenModal(newTagForm(sess, src, current, remove, c))
}

// TagForm is the modal that takes the tag of a tag write.
type TagForm struct {
	sess    *views.Session
	src     Target
	current apiclient.Tags
	remove  bool
	claim   *views.WriteClaim
	w, h    int

	input   textinput.Model // add: the name typed
	choices []string        // remove: the source's tags (safe to draw)
	choice  int
	errText string // what is wrong with the input
	server  string // the server's refusal, when the dialog came back
	handed  bool   // the dialog has the flow
	closed  bool
}

var (
	_ views.View    = (*TagForm)(nil)
	_ views.Closer  = (*TagForm)(nil)
	_ views.Closing = (*TagForm)(nil)
)

func newTagForm(sess *views.Session, src Target, current apiclient.Tags, remove bool, c *views.WriteClaim) *TagForm {
	f := &TagForm{sess: sess, src: src, current: current, remove: remove, claim: c}
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "e.g. PII.Email"
	in.CharLimit = apiclient.MaxTagName
	f.input = in
	if remove {
		for _, t := range current {
			f.choices = append(f.choices, safe.Short(t.Name, 200))
		}
	} else {
		f.input.Focus()
	}
	return f
}

// Value is the tag the form holds now (for tests).
func (f *TagForm) Value() string {
	if f.remove {
		return f.choices[f.choice]
	}
	return f.input.Value()
}

func (f *TagForm) Init() tea.Cmd {
	if f.remove {
		return nil
	}
	return textinput.Blink
}

func (f *TagForm) CapturesInput() bool { return true }
func (f *TagForm) SetSize(w, h int)    { f.w, f.h = w, h }

func (f *TagForm) Title() string {
	if f.remove {
		return "Remove a tag from " + f.src.Name
	}
	return "Add a tag to " + f.src.Name
}

// Close ends the flow unless the dialog has taken it.
func (f *TagForm) Close() {
	f.claim.Release()
	f.claim = nil
}

func (f *TagForm) Closed() bool { return f.closed }

func (f *TagForm) close() {
	f.closed = true
	f.Close()
}

func (f *TagForm) Update(msg tea.Msg) (views.View, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		return f, f.key(k)
	}
	if !f.remove {
		var cmd tea.Cmd
		f.input, cmd = f.input.Update(msg)
		return f, cmd
	}
	return f, nil
}

func (f *TagForm) key(msg tea.KeyMsg) tea.Cmd {
	if f.handed {
		return nil // the dialog has the flow; a late key does nothing
	}
	k := f.sess.Keys
	if key.Matches(msg, k.Back) {
		f.close()
		return nil
	}
	if key.Matches(msg, k.Accept, k.Submit) {
		return f.submit()
	}
	if f.remove {
		// A list of the tags, no text field: letters move too.
		n := len(f.choices)
		switch {
		case key.Matches(msg, k.Left, k.Up):
			f.choice = (f.choice - 1 + n) % n
		case key.Matches(msg, k.Right, k.Down, k.Mark, k.NextField):
			f.choice = (f.choice + 1) % n
		}
		return nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(safe.Typed(msg))
	f.errText, f.server = "", "" // the user is fixing it
	return cmd
}

// submit checks the tag and hands the flow to the confirm dialog. Nothing
// is sent from here.
func (f *TagForm) submit() tea.Cmd {
	if f.remove {
		name := f.current[f.choice].Name
		return f.handOff(removeTagSpec(f.sess, f.src, name))
	}
	name := strings.TrimSpace(f.input.Value())
	if err := apiclient.CheckTagName(name); err != nil {
		f.errText = err.Error()
		return nil
	}
	if f.current.Has(name) {
		f.errText = f.src.Name + " already has this tag"
		return nil
	}
	return f.handOff(addTagSpec(f.sess, f.src, name, len(f.current)))
}

func (f *TagForm) handOff(spec Spec) tea.Cmd {
	f.handed = true
	return handOff(f.sess, spec, &f.claim, f.back)
}

func (f *TagForm) back(c *views.WriteClaim, refusal string) tea.Cmd {
	f.claim, f.handed, f.server, f.closed = c, false, refusal, false
	if !f.remove {
		f.input.Focus()
	}
	return views.OpenModal(f)
}

func (f *TagForm) ShortHelp() []key.Binding {
	k := f.sess.Keys
	out := []key.Binding{keymap.Help("go on", k.Accept), keymap.Help("cancel", k.Back)}
	if f.remove {
		return append([]key.Binding{keymap.Help("choose", k.Left, k.Right)}, out...)
	}
	return out
}

func (f *TagForm) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

func (f *TagForm) View() string {
	st := f.sess.Styles
	box := format.NewBox(st.Modal.Box, f.w, f.h, 30, 76)
	inner, maxLines := box.Inner, box.Lines
	head := box.Text(st.Modal.Title, f.Title(), 2)
	call := fmt.Sprintf("→ POST /tag/datasource/%d", f.src.ID)
	if f.remove {
		call = fmt.Sprintf("→ DELETE /tag/datasource/%d/{tag}", f.src.ID)
	}
	head = append(head, st.Modal.Call.Render(ansi.Truncate(call, inner, "…")), "")
	var body []string
	label := st.Modal.FieldLabel.Render("Tag ")
	if f.remove {
		// A window of choices around the one picked, so a long list fits;
		// on a short terminal the window is what the box has room for
		// (the head's blank line given up first), so the pick is seen.
		win := 7
		if room := maxLines - len(head) - 2; room < win+1 && len(f.choices) > 1 {
			head = head[:len(head)-1]
			win = max(room, 1)
		}
		lo := max(min(f.choice-win/2, len(f.choices)-win), 0)
		for i := lo; i < len(f.choices) && i < lo+win; i++ {
			mark := "  "
			name := f.choices[i]
			if i == f.choice {
				mark = st.Accent.Render("▸ ")
				name = st.Modal.ButtonActive.Padding(0).Render(name)
			}
			body = append(body, ansi.Truncate(mark+name, inner, "…"))
		}
		if len(f.choices) > lo+win {
			body = append(body, st.Muted.Render(fmt.Sprintf("  … %d more", len(f.choices)-lo-win)))
		}
	} else {
		in := f.input
		in.Width = max(inner-6, 4)
		body = append(body, ansi.Truncate(st.Accent.Render("▸ ")+label+in.View(), inner, ""))
		if f.errText != "" {
			for _, l := range format.ClipLines(format.WrapText("✗ "+f.errText, inner-4), 3) {
				body = append(body, "    "+st.Modal.FieldError.Render(l))
			}
		}
	}
	var tail []string
	if f.server != "" {
		tail = append(tail, "")
		tail = append(tail, box.Text(st.Modal.FieldError, f.server, 3)...)
	}
	k := f.sess.Keys
	hint := fmt.Sprintf("%s goes on · %s cancels", k.Accept.Help().Key, k.Back.Help().Key)
	if f.remove {
		hint = keymap.Help("", k.Left, k.Right).Help().Key + " picks · " + hint
	}
	tail = append(tail, "", st.Muted.Render(ansi.Truncate(hint, inner, "…")))
	return box.Fit(head, body, tail, st.Muted.Render("…"))
}

// --- the dialogs and their requests ---------------------------------------

// tagBody is the JSON body of an add, as sent.
func tagBody(name string) string {
	b, _ := json.Marshal([]map[string]string{{"name": name}})
	return string(b)
}

func addTagSpec(sess *views.Session, src Target, name string, have int) Spec {
	shown := safe.Line(name)
	body := []string{"  • " + shown, ""}
	body = append(body, fmt.Sprintf("%s has %d tag%s now.", src.Name, have, plural(have)),
		"Tags can drive policies: adding one may change what users see of this source.")
	return Spec{
		Title:        fmt.Sprintf("Add tag %q to %s", shown, src.Name),
		Body:         body,
		Call:         fmt.Sprintf("POST /tag/datasource/%d %s", src.ID, safe.Line(tagBody(name))),
		ConfirmLabel: "Add tag",
		Run:          tagRun(sess, src, name, false),
	}
}

func removeTagSpec(sess *views.Session, src Target, name string) Spec {
	shown := safe.Line(name)
	return Spec{
		Title: fmt.Sprintf("Remove tag %q from %s", shown, src.Name),
		Body: []string{"  • " + shown, "",
			"Policies that match this tag stop applying to the source. Adding it back (t) is one more write."},
		Call:         fmt.Sprintf("DELETE /tag/datasource/%d/%s", src.ID, safe.Line(url.PathEscape(name))),
		ConfirmLabel: "Remove tag",
		Danger:       true,
		Run:          tagRun(sess, src, name, true),
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// tagRun sends one add or remove and tells what it did from the answer
// and the source's tags read right after it.
func tagRun(sess *views.Session, src Target, name string, remove bool) func(context.Context) Result {
	api := sess.API
	return func(base context.Context) Result {
		shown := fmt.Sprintf("%q", safe.Line(name))
		verb, done := "added", "added to"
		if remove {
			verb, done = "removed", "removed from"
		}
		rctx, cancel := sess.WithTimeout(base)
		var err error
		var added *apiclient.TagsAdded
		if remove {
			_, err = api.RemoveSourceTag(rctx, src.ID, name)
		} else {
			added, err = api.AddSourceTags(rctx, src.ID, []string{name})
		}
		cancel()
		if err != nil && !unknownOutcome(err) {
			msg := fmt.Sprintf("%s: tag %s not %s: %s", src.Name, shown, verb, apiclient.Explain(err))
			return Result{Failed: true, refused: true, Summary: msg, Outcomes: []Outcome{{Text: msg}}}
		}
		rctx, cancel = sess.WithTimeout(base)
		tags, rerr := api.ListSourceTags(rctx, src.ID)
		cancel()
		var now apiclient.Tags
		if rerr == nil {
			now = tags.Tags
		}
		// Every view showing the source's tags takes the ones read back
		// (or loads them again when the read failed); the list's row is
		// read again for its tags column.
		follow := []tea.Cmd{views.Emit(views.TagsChangedMsg{SourceID: src.ID, Tags: now}), refetch(sess, []int64{src.ID})}
		has := rerr == nil && now.Has(name)
		want := !remove // the tag should be there after an add
		r := Result{Follow: follow}
		switch {
		case rerr == nil && has == want && err != nil:
			r.Summary = fmt.Sprintf("tag %s %s %s (the answer was lost: %s; the tags read back settle it)",
				shown, done, src.Name, apiclient.Explain(err))
		case rerr == nil && has == want:
			r.Summary = fmt.Sprintf("tag %s %s %s · now %s", shown, done, src.Name, tagCount(now))
		case rerr == nil && err != nil:
			r.Failed = true
			r.Summary = fmt.Sprintf("%s: no clear answer (%s), and the tags read back say it was not %s. Refresh (r) to see.",
				src.Name, apiclient.Explain(err), verb)
		case rerr == nil:
			r.Failed = true
			r.Summary = fmt.Sprintf("%s: the server answered, but the tags read back say tag %s was not %s. Refresh (r) to see.",
				src.Name, shown, verb)
		case err != nil:
			r.Failed = true
			r.Summary = fmt.Sprintf("%s: no clear answer (%s); the server may or may not have %s tag %s. Refresh (r) to see.",
				src.Name, apiclient.Explain(err), verb, shown)
		case !remove && added != nil && added.Known && added.Tags.Has(name):
			r.Summary = fmt.Sprintf("tag %s %s %s (the server's answer lists it; reading the tags back failed: %s)",
				shown, done, src.Name, apiclient.Explain(rerr))
		default:
			r.Failed = true
			r.Summary = fmt.Sprintf("%s: the server took the request, but reading the tags back failed (%s). Refresh (r) to see.",
				src.Name, apiclient.Explain(rerr))
		}
		r.Outcomes = []Outcome{{Text: r.Summary, OK: !r.Failed}}
		return r
	}
}

func tagCount(t apiclient.Tags) string {
	if len(t) == 0 {
		return "no tags"
	}
	return fmt.Sprintf("%d tag%s", len(t), plural(len(t)))
}
