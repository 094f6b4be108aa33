package actions

// Approve and deny pending access requests (POST /subscription/approve and
// /subscription/deny), one request or every marked one in ONE call. A
// small form asks for the expiration (optional) or the reason (required),
// then the confirm dialog like every other write: Cancel focused, the
// protected-profile prompt, sent once, and the outcome read from the
// answer's failures. Cancel in the dialog, or a clear refusal of the whole
// call, goes back to the form with what was typed.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

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

// Request is a pending access request an approve or deny works on.
type Request struct {
	ID     int64  // the request (subscription) id
	Who    string // the requester: user or group name
	Source string // the data source asked for
}

// MaxReason bounds a denial's reason: the requesters read it.
const MaxReason = 1000

// requestClaims holds, per session, the requests with a decision in
// progress: a second key on a request already in a form, a dialog or a
// call is refused, so that no request is decided twice at once. Request
// ids are not data source ids, so they have a set of their own.
var requestClaims sync.Map // *views.Session → *views.Writes

func requestWrites(sess *views.Session) *views.Writes {
	v, _ := requestClaims.LoadOrStore(sess, &views.Writes{})
	return v.(*views.Writes)
}

// Approve opens the approve form for rs.
func Approve(sess *views.Session, rs []Request) tea.Cmd { return decide(sess, rs, false) }

// Deny opens the deny form for rs.
func Deny(sess *views.Session, rs []Request) tea.Cmd { return decide(sess, rs, true) }

func decide(sess *views.Session, rs []Request, deny bool) tea.Cmd {
	if sess.ReadOnly {
		return views.Status("read-only mode: writes are disabled", views.Warn)
	}
	var ok []Request
	for _, r := range rs {
		if r.ID > 0 {
			r.Who, r.Source = safe.Line(r.Who), safe.Line(r.Source)
			ok = append(ok, r)
		}
	}
	if len(ok) == 0 {
		return views.Status("no request to decide (a request without an id cannot be approved or denied)", views.Warn)
	}
	idList := make([]int64, len(ok))
	for i, r := range ok {
		idList[i] = r.ID
	}
	c, busy, took := requestWrites(sess).Claim(idList)
	if !took {
		return views.Status(fmt.Sprintf("a decision on request %d is already in progress", busy), views.Warn)
	}
	return views.OpenModal(newDecisionForm(sess, ok, deny, c))
}

func (r Request) line() string {
	who, src := r.Who, r.Source
	if who == "" {
		who = "someone"
	}
	if src == "" {
		src = "a data source"
	}
	return fmt.Sprintf("  • %s → %s (request %d)", who, src, r.ID)
}

func requestLines(rs []Request, n int) []string {
	var out []string
	for i, r := range rs {
		if i == n {
			out = append(out, fmt.Sprintf("  … and %d more", len(rs)-n))
			break
		}
		out = append(out, r.line())
	}
	return out
}

// DecisionForm asks for what an approve (expiration) or a deny (reason)
// needs, before the confirm dialog. It is a modal; it holds the flow's
// claim on the requests until it hands it to the dialog, or is cancelled.
type DecisionForm struct {
	sess  *views.Session
	reqs  []Request
	deny  bool
	input textinput.Model
	hint  string // why the value was refused, or the server's refusal
	claim *views.WriteClaim
	w, h  int

	closed  bool
	leaving bool // handed to the dialog; keys until it replaces the form do nothing
}

var (
	_ views.View    = (*DecisionForm)(nil)
	_ views.Closing = (*DecisionForm)(nil)
	_ views.Closer  = (*DecisionForm)(nil)
)

func newDecisionForm(sess *views.Session, rs []Request, deny bool, c *views.WriteClaim) *DecisionForm {
	in := textinput.New()
	in.Prompt = "> "
	if deny {
		in.CharLimit = MaxReason
		in.Placeholder = "why the request is denied"
	} else {
		in.CharLimit = 40
		in.Placeholder = "YYYY-MM-DD, or empty for no end"
	}
	in.Focus()
	return &DecisionForm{sess: sess, reqs: rs, deny: deny, input: in, claim: c}
}

func (f *DecisionForm) Init() tea.Cmd { return textinput.Blink }

func (f *DecisionForm) Title() string {
	verb := "Approve"
	if f.deny {
		verb = "Deny"
	}
	if len(f.reqs) == 1 {
		r := f.reqs[0]
		who, src := r.Who, r.Source
		if who == "" {
			who = fmt.Sprintf("request %d", r.ID)
		}
		if src == "" {
			return fmt.Sprintf("%s %s", verb, who)
		}
		return fmt.Sprintf("%s %s's access to %s", verb, who, src)
	}
	return fmt.Sprintf("%s %d access requests", verb, len(f.reqs))
}

func (f *DecisionForm) CapturesInput() bool { return true }
func (f *DecisionForm) SetSize(w, h int)    { f.w, f.h = w, h }
func (f *DecisionForm) Closed() bool        { return f.closed }

// Value is the text typed in the form.
func (f *DecisionForm) Value() string { return f.input.Value() }

// Close ends the flow unless the form has handed it to its dialog.
func (f *DecisionForm) Close() {
	f.claim.Release()
	f.claim = nil
}

func (f *DecisionForm) close() {
	f.closed = true
	f.Close()
}

func (f *DecisionForm) Update(msg tea.Msg) (views.View, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		f.input, cmd = f.input.Update(msg)
		return f, cmd
	}
	if f.leaving {
		return f, nil
	}
	k := f.sess.Keys
	switch {
	case key.Matches(km, k.Back):
		f.close()
		return f, nil
	case key.Matches(km, k.Accept, k.Submit):
		return f, f.submit()
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(safe.Typed(km))
	f.hint = ""
	return f, cmd
}

// submit checks what was typed and, when it will do, opens the confirm
// dialog in the form's place, handing it the claim.
func (f *DecisionForm) submit() tea.Cmd {
	v := strings.TrimSpace(f.input.Value())
	var exp *time.Time
	switch {
	case f.deny && v == "":
		f.hint = "A reason is required: the requesters are told why."
		return nil
	case !f.deny && v != "":
		t, err := apiclient.ParseDate(v)
		if err != nil {
			f.hint = safe.Line(err.Error())
			return nil
		}
		if !t.After(f.sess.Clock()) {
			f.hint = fmt.Sprintf("%s is not in the future: access would end at once.", format.Date(t))
			return nil
		}
		exp = &t
	}
	spec := decisionSpec(f.sess, f.reqs, f.deny, exp, v)
	f.leaving = true
	return handOff(f.sess, spec, &f.claim, func(c *views.WriteClaim, refusal string) tea.Cmd {
		// Cancelled, or refused: the form again, as it was typed.
		f.claim, f.leaving, f.closed, f.hint = c, false, false, refusal
		return views.OpenModal(f)
	})
}

// decisionSpec is the confirm dialog of one approve or deny call.
func decisionSpec(sess *views.Session, rs []Request, deny bool, exp *time.Time, reason string) Spec {
	verb, path := "Approve", "/subscription/approve"
	if deny {
		verb, path = "Deny", "/subscription/deny"
	}
	title := fmt.Sprintf("%s %d access requests", verb, len(rs))
	if len(rs) == 1 {
		title = fmt.Sprintf("%s request %d", verb, rs[0].ID)
	}
	// What is sent (the reason, the expiry) comes first: a short
	// terminal cuts the body from its end, and the list of requests is
	// what can go.
	var body []string
	switch {
	case deny:
		body = append(body, "Reason: "+safe.Line(reason))
	case exp != nil:
		body = append(body, "Access ends on "+format.Date(*exp)+".")
	default:
		body = append(body, "Access does not expire.")
	}
	body = append(body, "")
	body = append(body, requestLines(rs, 8)...)
	item := func(id int64) string {
		switch {
		case deny:
			return fmt.Sprintf(`{"id":%d,"denialReasoning":…}`, id)
		case exp != nil:
			return fmt.Sprintf(`{"id":%d,"expiration":%q}`, id, exp.UTC().Format(time.RFC3339))
		}
		return fmt.Sprintf(`{"id":%d}`, id)
	}
	items := make([]string, 0, min(len(rs), 3))
	for i, r := range rs {
		if i == 3 {
			items = append(items, fmt.Sprintf("… %d more", len(rs)-3))
			break
		}
		items = append(items, item(r.ID))
	}
	api := sess.API
	return Spec{
		Title: title, Body: body, ConfirmLabel: verb,
		Call: fmt.Sprintf(`POST %s {"requests":[%s]}`, path, strings.Join(items, ",")),
		Run: func(base context.Context) Result {
			rctx, cancel := sess.WithTimeout(base)
			defer cancel()
			var res *apiclient.DecisionResult
			var err error
			if deny {
				list := make([]apiclient.DenyRequest, len(rs))
				for i, r := range rs {
					list[i] = apiclient.DenyRequest{ID: r.ID, Reason: reason}
				}
				res, err = api.DenyRequests(rctx, list)
			} else {
				list := make([]apiclient.ApproveRequest, len(rs))
				for i, r := range rs {
					list[i] = apiclient.ApproveRequest{ID: r.ID, Expiration: exp}
				}
				res, err = api.ApproveRequests(rctx, list)
			}
			return decisionResult(rs, deny, res, err)
		},
	}
}

// decisionResult tells what one call did, request by request, from the
// answer: the ones in failures failed with their errorMessage, the others
// were done. An error without a clear answer may or may not have been
// carried out: every inbox loads again to show what the server did.
func decisionResult(rs []Request, deny bool, res *apiclient.DecisionResult, err error) Result {
	done, verb := "approved", "approve"
	if deny {
		done, verb = "denied", "deny"
	}
	var r Result
	if err == nil && res == nil {
		err = fmt.Errorf("%w: an empty answer", apiclient.ErrMalformed)
	}
	if err != nil {
		if !unknownOutcome(err) {
			// A clear no to the whole call: nothing changed, and the form
			// comes back with what was typed.
			r.Failed, r.refused = true, true
			r.Summary = fmt.Sprintf("not %s: %s (nothing changed)", done, apiclient.Explain(err))
			r.Outcomes = []Outcome{{Text: r.Summary}}
			return r
		}
		r.Failed = true
		r.Summary = fmt.Sprintf("%s: no clear answer (%s); the server may or may not have done it. The inbox loads again.", verb, apiclient.Explain(err))
		for _, q := range rs {
			r.Outcomes = append(r.Outcomes, Outcome{Text: strings.TrimPrefix(q.line(), "  • ") + ": no clear answer"})
		}
		r.Follow = []tea.Cmd{views.Emit(views.RequestsDecidedMsg{Unknown: true})}
		return r
	}
	asked := map[int64]bool{}
	for _, q := range rs {
		asked[q.ID] = true
	}
	failed := map[int64]string{}
	var stray []string
	for _, f := range res.Failures {
		msg := format.Inline(f.ErrorMessage)
		if msg == "" {
			msg = "the server refused, without saying why"
		}
		if !asked[f.ID] {
			stray = append(stray, fmt.Sprintf("request %d: %s", f.ID, msg))
			continue
		}
		if prev, ok := failed[f.ID]; ok {
			msg = prev + "; " + msg
		}
		failed[f.ID] = msg
	}
	var ok []int64
	for _, q := range rs {
		text := strings.TrimPrefix(q.line(), "  • ")
		if m, bad := failed[q.ID]; bad {
			r.Outcomes = append(r.Outcomes, Outcome{Text: text + ": " + m})
			continue
		}
		ok = append(ok, q.ID)
		r.Outcomes = append(r.Outcomes, Outcome{Text: text + ": " + done, OK: true})
	}
	for _, s := range stray {
		r.Outcomes = append(r.Outcomes, Outcome{Text: s})
	}
	r.Failed = len(failed) > 0 || len(stray) > 0
	r.Summary = fmt.Sprintf("%s %d, failed %d", done, len(ok), len(failed))
	msg := views.RequestsDecidedMsg{Done: ok, Failed: failed, Approved: !deny}
	if len(stray) > 0 {
		// A failure naming a request that was not asked about: the answer
		// cannot be trusted request by request; the inbox loads again.
		r.Summary += fmt.Sprintf(" · %d failures name other requests; the inbox loads again", len(stray))
		msg.Unknown = true
	}
	r.Follow = []tea.Cmd{views.Emit(msg)}
	return r
}

func (f *DecisionForm) ShortHelp() []key.Binding {
	k := f.sess.Keys
	return []key.Binding{keymap.Help("continue", k.Accept), keymap.Help("cancel", k.Back)}
}

func (f *DecisionForm) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

func (f *DecisionForm) View() string {
	st := f.sess.Styles
	box := format.NewBox(st.Modal.Box, f.w, f.h, 20, 76)
	inner := box.Inner
	head := append(box.Text(st.Modal.Title, f.Title(), 2), "")
	var mid []string
	for _, l := range requestLines(f.reqs, 8) {
		mid = append(mid, wrapIndented(l, inner)...)
	}
	label := "Expiration date (optional): access ends that day"
	if f.deny {
		label = "Reason for the denial (required): the requesters are told"
	}
	tail := append([]string{""}, box.Text(st.Modal.FieldLabel, label, 2)...)
	in := f.input // a copy: View does not change the model
	in.Width = max(inner-4, 4)
	tail = append(tail, ansi.Truncate(in.View(), inner, ""))
	if f.hint != "" {
		tail = append(tail, box.Text(st.Modal.FieldError, f.hint, 3)...)
	}
	hint := fmt.Sprintf("%s continues to the confirmation · %s cancels", f.sess.Keys.Accept.Help().Key, f.sess.Keys.Back.Help().Key)
	tail = append(tail, "", st.Muted.Render(ansi.Truncate(hint, inner, "…")))
	return box.Fit(head, mid, tail, st.Muted.Render("…"))
}
