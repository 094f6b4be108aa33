package actions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// Target is a source an action works on.
type Target struct {
	ID       int64
	Name     string // already safe to draw
	Disabled bool
	// Subscription is the caller's subscriptionStatus as the screen
	// knows it ("" when it does not): Subscribe offers only the sources
	// that are not the caller's yet.
	Subscription string
}

// alreadyYours reports whether a subscription state means there is
// nothing to subscribe to: the caller owns the source, is subscribed (as
// an expert or for ingest too), or has asked already.
func alreadyYours(st string) bool {
	switch strings.ToLower(strings.TrimSpace(st)) {
	case "owner", "subscribed", "expert", "ingest", "pending":
		return true
	}
	return false
}

// unknownOutcome is true when a write got no clear answer: it may or may
// not have happened, and it must not be sent again blindly.
func unknownOutcome(err error) bool {
	if errors.Is(err, apiclient.ErrNotSent) {
		return false // it failed before it left: nothing happened
	}
	return errors.Is(err, apiclient.ErrUnreachable) || errors.Is(err, apiclient.ErrServer) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, apiclient.ErrMalformed)
}

// protect adds the profile-name prompt on a protected profile.
func protect(sess *views.Session, s Spec) Spec {
	if sess.Protected {
		s.Typed = append(s.Typed, Typed{
			Label: fmt.Sprintf("%s is a protected profile: type its name to confirm", safe.Line(sess.Profile)),
			Want:  sess.Profile,
		})
	}
	return s
}

func names(ts []Target, max int) []string {
	var out []string
	for i, t := range ts {
		if i == max {
			out = append(out, fmt.Sprintf("  … and %d more", len(ts)-max))
			break
		}
		out = append(out, fmt.Sprintf("  • %s (%d)", t.Name, t.ID))
	}
	return out
}

// sanitize makes the targets' names safe to draw. Names should arrive safe
// already; this makes sure a caller's slip cannot reach the terminal.
// safe.Line leaves an already safe name as it is.
func sanitize(ts []Target) []Target {
	out := make([]Target, len(ts))
	for i, t := range ts {
		t.Name = safe.Line(t.Name)
		out[i] = t
	}
	return out
}

func ids(ts []Target) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = strconv.FormatInt(t.ID, 10)
	}
	return strings.Join(parts, ",")
}

// claimOne is claim for the one source of a member or tag write, its
// name made safe first.
func claimOne(sess *views.Session, src Target) (Target, *views.WriteClaim, tea.Cmd) {
	src = sanitize([]Target{src})[0]
	c, refused := claim(sess, []Target{src})
	return src, c, refused
}

// claim takes ts for one write flow. When another flow already holds one
// of them it takes nothing and returns the status that says so: one write
// flow per source at a time, whichever key or view started it.
func claim(sess *views.Session, ts []Target) (*views.WriteClaim, tea.Cmd) {
	idList := make([]int64, len(ts))
	for i, t := range ts {
		idList[i] = t.ID
	}
	c, busy, ok := sess.Writes().Claim(idList)
	if ok {
		return c, nil
	}
	name := fmt.Sprintf("data source %d", busy)
	for _, t := range ts {
		if t.ID == busy {
			name = t.Name
			break
		}
	}
	return nil, views.Status(fmt.Sprintf("a write on %s is already in progress", name), views.Warn)
}

// open returns the command that opens a dialog for spec, holding c.
func open(sess *views.Session, spec Spec, c *views.WriteClaim) tea.Cmd {
	d := NewDialog(sess, spec)
	d.claim = c
	return views.OpenModal(d)
}

// refetch reads the given sources again and reports each as changed (or
// removed), so every view shows the server's state.
func refetch(sess *views.Session, idList []int64) tea.Cmd {
	if len(idList) == 0 {
		return nil
	}
	api := sess.API
	return views.Track("refreshing changed sources", func() tea.Msg {
		var cmds []tea.Cmd
		var mu sync.Mutex
		var wg sync.WaitGroup
		var panicked any
		sem := make(chan struct{}, 4)
		for _, id := range idList {
			wg.Add(1)
			sem <- struct{}{}
			go func(id int64) {
				defer wg.Done()
				defer func() { <-sem }()
				// A panic here would kill the process past the root's
				// recovery; hand it to the command's goroutine instead.
				defer func() {
					if r := recover(); r != nil {
						mu.Lock()
						panicked = r
						mu.Unlock()
					}
				}()
				rctx, cancel := sess.WithTimeout(context.Background())
				defer cancel()
				d, err := api.GetDataSource(rctx, id)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && d != nil && d.ID == id:
					cmds = append(cmds, views.Emit(views.SourceChangedMsg{Source: *d}))
				case errors.Is(err, apiclient.ErrNotFound):
					cmds = append(cmds, views.Emit(views.SourceRemovedMsg{ID: id}))
				}
			}(id)
		}
		wg.Wait()
		if panicked != nil {
			panic(panicked)
		}
		return tea.BatchMsg(cmds)
	})
}

// Subscribe opens the subscribe dialog for ts.
func Subscribe(sess *views.Session, ts []Target) tea.Cmd {
	if len(ts) == 0 {
		return nil
	}
	ts = sanitize(ts)
	// Only the sources that are not the caller's yet are offered; the
	// others are counted, by state, in the dialog and the result.
	var offer []Target
	skipped := map[string]int{}
	for _, t := range ts {
		if alreadyYours(t.Subscription) {
			skipped[statusWord(t.Subscription)]++
			continue
		}
		offer = append(offer, t)
	}
	skip := skippedWords(skipped)
	if len(offer) == 0 {
		text := ts[0].Name + " is yours already (" + skip + "); nothing to subscribe to"
		if len(ts) > 1 {
			text = fmt.Sprintf("all %d data sources are yours already (%s); nothing to subscribe to", len(ts), skip)
		}
		return views.Status(text, views.Warn)
	}
	ts = offer
	c, refused := claim(sess, ts)
	if refused != nil {
		return refused
	}
	title := fmt.Sprintf("Subscribe to %s", ts[0].Name)
	if len(ts) > 1 {
		title = fmt.Sprintf("Subscribe to %d data sources", len(ts))
	}
	body := append([]string{"You will ask for access to:"}, names(ts, 8)...)
	if skip != "" {
		body = append(body, "", "Left out, yours already: "+skip+".")
	}
	body = append(body, "", "Sources with an automatic policy grant access at once; others wait for an owner's approval.")
	api := sess.API
	spec := protect(sess, Spec{
		Title: title, Body: body, ConfirmLabel: "Subscribe",
		Call: fmt.Sprintf("POST /dataSource/subscribe {\"dataSourceIds\":[%s]}", ids(ts)),
		Run: func(base context.Context) Result {
			rctx, cancel := sess.WithTimeout(base)
			defer cancel()
			idList := make([]int64, len(ts))
			byID := map[int64]string{}
			for i, t := range ts {
				idList[i] = t.ID
				byID[t.ID] = t.Name
			}
			res, err := api.Subscribe(rctx, apiclient.SubscribeRequest{DataSourceIDs: idList})
			if err != nil {
				r := Result{Failed: true, Summary: "subscribe failed: " + apiclient.Explain(err)}
				line := "not subscribed: " + apiclient.Explain(err)
				if unknownOutcome(err) {
					r.Summary = "subscribe: no clear answer; the server may or may not have subscribed you. Refresh (r) to see."
					line = fmt.Sprintf("no clear answer (%s); the server may or may not have subscribed you. Refresh (r) to see.", apiclient.Explain(err))
				}
				for _, t := range ts {
					r.Outcomes = append(r.Outcomes, Outcome{Text: t.Name + ": " + line})
				}
				r.Follow = []tea.Cmd{refetch(sess, idList)}
				return r
			}
			if res == nil {
				res = &apiclient.SubscribeResult{} // an empty answer: every source is reported unknown
			}
			r := subscribeResult(res, ts, byID, sess, idList)
			if skip != "" {
				r.Summary += "; left out, yours already: " + skip
			}
			return r
		},
	})
	return open(sess, spec, c)
}

func subscribeResult(res *apiclient.SubscribeResult, ts []Target, byID map[int64]string, sess *views.Session, idList []int64) Result {
	var r Result
	seen := map[int64]bool{}
	var subscribed, pending, owned, failed int
	for _, s := range res.Success {
		id := s.DataSourceID()
		seen[id] = true
		name := byID[id]
		if name == "" {
			name = fmt.Sprintf("data source %s", safe.Line(string(s.ModelID)))
		}
		switch strings.ToLower(strings.TrimSpace(s.State)) {
		case "pending":
			pending++
			r.Outcomes = append(r.Outcomes, Outcome{Text: name + ": pending approval (an owner must approve)", OK: true})
		case "owner":
			// The server says the caller owns it: nothing was subscribed.
			owned++
			r.Outcomes = append(r.Outcomes, Outcome{Text: name + ": you own it already (not subscribed)", OK: true})
		default:
			subscribed++
			state := safe.Line(s.State)
			if state == "" {
				state = "subscribed"
			}
			r.Outcomes = append(r.Outcomes, Outcome{Text: name + ": " + state, OK: true})
		}
	}
	for _, f := range res.InError {
		seen[f.DataSourceID] = true
		name := byID[f.DataSourceID]
		if name == "" {
			name = fmt.Sprintf("data source %d", f.DataSourceID)
		}
		msg := safe.Line(f.Message)
		if msg == "" {
			msg = "the server refused"
		}
		r.Outcomes = append(r.Outcomes, Outcome{Text: name + ": " + msg})
		r.Failed = true
		failed++
	}
	for _, t := range ts {
		if !seen[t.ID] {
			r.Outcomes = append(r.Outcomes, Outcome{Text: t.Name + ": no answer from the server for this one; refresh to see"})
			r.Failed = true
			failed++
		}
	}
	r.Summary = fmt.Sprintf("subscribed %d, pending approval %d, failed %d", subscribed, pending, failed)
	if owned > 0 {
		r.Summary += fmt.Sprintf(", owned already %d", owned)
	}
	r.Follow = []tea.Cmd{refetch(sess, idList)}
	return r
}

// Delete re-reads the sources (a stale "active" must never turn into a
// hard delete), then opens the disable or delete dialog. The sources are
// taken for this flow from the key press until the dialog closes: a second
// key on one of them meanwhile is refused, never a second dialog.
func Delete(sess *views.Session, ts []Target) tea.Cmd {
	if len(ts) == 0 {
		return nil
	}
	return checkThenOpen(sess, ts, "checking current state", check)
}

// checkThenOpen takes ts for one write flow, then runs check off the UI
// goroutine under label: check reads the sources again and returns what
// to show, with the dialog it opens (which gets the flow's claim) or nil
// (the flow ends there).
func checkThenOpen(sess *views.Session, ts []Target, label string, check func(*views.Session, []Target) (tea.Msg, *Dialog)) tea.Cmd {
	ts = sanitize(ts)
	c, refused := claim(sess, ts)
	if refused != nil {
		return refused
	}
	return views.Track(label, func() tea.Msg {
		msg, d := check(sess, ts)
		if d == nil {
			c.Release() // the flow ends here
			return msg
		}
		d.claim = c
		return msg
	})
}

// check reads each source again and returns what to show: the dialog (also
// returned, to hand it the flow's claim), or why there is none.
func check(sess *views.Session, ts []Target) (tea.Msg, *Dialog) {
	fresh := make([]Target, 0, len(ts))
	var gone []tea.Cmd
	for _, t := range ts {
		d, name, removed, fail := reread(sess, t, "deleting")
		switch {
		case fail != nil:
			return fail, nil
		case removed != nil:
			gone = append(gone, removed) // nothing to delete
			continue
		}
		// The id is the row's, never the answer's; the name is the
		// server's current one (it is what a hard delete asks to type).
		fresh = append(fresh, Target{ID: t.ID, Name: name, Disabled: d.IsDisabled()})
	}
	if len(fresh) == 0 {
		return tea.BatchMsg(append(gone, views.Status("already deleted on the server; nothing to do", views.Warn))), nil
	}
	if len(gone) > 0 {
		gone = append(gone, views.Status(fmt.Sprintf("%d already deleted on the server", len(gone)), views.Warn))
	}
	dlg := NewDialog(sess, deleteSpec(sess, fresh))
	return tea.BatchMsg(append(gone, views.Emit(views.OpenModalMsg{M: dlg}))), dlg
}

// errWrongSource says a read of one source answered with something else.
type errWrongSource struct{ asked, got int64 }

func (e errWrongSource) Error() string {
	if e.got == 0 {
		return fmt.Sprintf("empty answer from GET /dataSource/%d", e.asked)
	}
	return fmt.Sprintf("GET /dataSource/%d answered with data source %d", e.asked, e.got)
}

// sameSource checks that a read of source id answered with that source:
// an empty or null body decodes as id 0, and a confused server or proxy
// may answer for another one. Either must stop a write.
// readRow reads source id with its own timeout and checks that the answer
// is that source: every read a write flow decides on goes through here.
// reread reads t again before a write on it is offered (verb: "deleting"),
// each read with its own time (a long bulk list must not run out of one
// shared deadline). It returns the source and its current name (the
// server's, made safe; the row's when it has none); or, for a source the
// server no longer has, the command that tells the lists (removed); or the
// error to show instead of a dialog (fail): nothing was sent.
func reread(sess *views.Session, t Target, verb string) (d *apiclient.DataSource, name string, removed tea.Cmd, fail tea.Msg) {
	d, err := readRow(sess, sess.API, context.Background(), t.ID)
	switch {
	case errors.Is(err, apiclient.ErrNotFound):
		return nil, "", views.Emit(views.SourceRemovedMsg{ID: t.ID}), nil
	case err != nil:
		return nil, "", nil, views.ErrorMsg{What: fmt.Sprintf("checking %s (%d) before %s; nothing was sent", t.Name, t.ID, verb), Err: err}
	}
	name = safe.Line(d.Name)
	if name == "" {
		name = t.Name
	}
	return d, name, nil, nil
}

func readRow(sess *views.Session, api views.API, base context.Context, id int64) (*apiclient.DataSource, error) {
	rctx, cancel := sess.WithTimeout(base)
	defer cancel()
	d, err := api.GetDataSource(rctx, id)
	if err == nil {
		err = sameSource(d, id)
	}
	return d, err
}

func sameSource(d *apiclient.DataSource, id int64) error {
	if d == nil {
		return errWrongSource{asked: id}
	}
	if d.ID != id {
		return errWrongSource{asked: id, got: d.ID}
	}
	return nil
}

func deleteSpec(sess *views.Session, ts []Target) Spec {
	var active, disabled []Target
	for _, t := range ts {
		if t.Disabled {
			disabled = append(disabled, t)
		} else {
			active = append(active, t)
		}
	}
	var s Spec
	switch {
	case len(ts) == 1 && len(active) == 1:
		t := ts[0]
		s = Spec{
			Title:        fmt.Sprintf("Disable %s (soft delete)", t.Name),
			Body:         []string{"The data source is disabled: users lose access, and it can be restored (u) afterwards."},
			Call:         fmt.Sprintf("DELETE /dataSource/%d", t.ID),
			ConfirmLabel: "Disable",
		}
	case len(ts) == 1:
		t := ts[0]
		s = Spec{
			Title:        fmt.Sprintf("Delete %s permanently: this cannot be undone", t.Name),
			Body:         []string{"This data source is already disabled. Deleting it again removes it for good."},
			Call:         fmt.Sprintf("DELETE /dataSource/%d", t.ID),
			ConfirmLabel: "Delete forever",
			Danger:       true,
			Typed:        []Typed{{Label: "Type the data source name to confirm", Want: t.Name}},
		}
	default:
		s = Spec{Title: fmt.Sprintf("Disable or delete %d data sources", len(ts)), ConfirmLabel: "Go ahead"}
		if len(active) > 0 {
			s.Body = append(s.Body, fmt.Sprintf("Disable (soft delete, can be restored) %d:", len(active)))
			s.Body = append(s.Body, names(active, 6)...)
		}
		if len(disabled) > 0 {
			s.Danger = true
			s.Title = fmt.Sprintf("Delete %d data sources: %d permanently, this cannot be undone", len(ts), len(disabled))
			s.Body = append(s.Body, fmt.Sprintf("Delete permanently (already disabled) %d:", len(disabled)))
			s.Body = append(s.Body, names(disabled, 6)...)
			s.Typed = []Typed{{Label: "Type the number of data sources to confirm", Want: strconv.Itoa(len(ts))}}
		}
		s.Call = fmt.Sprintf("DELETE /dataSource/{id} for %s", ids(ts))
	}
	api := sess.API
	s.Run = func(base context.Context) Result {
		var r Result
		var undo []Target
		var deleted, failed int
		var surprises []string
		for _, t := range ts {
			o := deleteOne(sess, api, base, t)
			r.Outcomes = append(r.Outcomes, o.Outcome)
			r.Follow = append(r.Follow, o.follow)
			switch o.state {
			case stateDisabled:
				undo = append(undo, Target{ID: t.ID, Name: t.Name, Disabled: true})
			case stateDeleted:
				deleted++
			case stateDeletedBySurprise:
				deleted++
				surprises = append(surprises, fmt.Sprintf("%s (%d)", t.Name, t.ID))
			default:
				failed++
			}
		}
		r.Failed = failed > 0 || len(surprises) > 0
		r.Summary = fmt.Sprintf("disabled %d, deleted %d, failed %d", len(undo), deleted, failed)
		if len(surprises) > 0 {
			// Said first, where the eye lands: a disable that the server
			// made permanent.
			r.Summary = "permanently deleted by the server: " + strings.Join(surprises, ", ") + " · " + r.Summary
		}
		if len(undo) > 0 {
			r.Undo = NewDialog(sess, restoreSpec(sess, undo))
			r.UndoLabel = "undo: restore"
			r.Summary += " · u restores"
		}
		return r
	}
	return protect(sess, s)
}

// What a DELETE did to one source, as far as the answer and the read that
// follows it tell.
type deleteState int

const (
	stateUnknown           deleteState = iota // no clear answer, or answer and read disagree
	stateRefused                              // the server said no: nothing changed
	stateDisabled                             // disabled, as asked
	stateDeleted                              // deleted for good, as asked
	stateDeletedBySurprise                    // a disable was asked; the source is gone for good
)

type deleteOutcome struct {
	Outcome
	state  deleteState
	follow tea.Cmd // tells every view the state found
}

// deleteOne sends one DELETE and reports what happened from the server's
// answer and a read of the source right after it. Immuta's DELETE
// disables an active source and removes a disabled one, so when another
// client disabled the source after the dialog's check, or the answer was
// lost, only that read can tell a disable from a permanent delete. The
// answer's hardDelete is believed; anything short of that is checked.
func deleteOne(sess *views.Session, api views.API, base context.Context, t Target) deleteOutcome {
	if !t.Disabled {
		// A dialog can stay open for minutes: read the state again just
		// before the DELETE, so that a source someone disabled meanwhile
		// is not deleted for good by a dialog that said "disable".
		if o, stop := recheck(sess, api, base, t); stop {
			return o
		}
	}
	rctx, cancel := sess.WithTimeout(base)
	res, err := api.DeleteDataSource(rctx, t.ID)
	cancel()
	if err != nil && !unknownOutcome(err) {
		return deleteOutcome{Outcome: Outcome{Text: fmt.Sprintf("%s: not done: %s", t.Name, apiclient.Explain(err))}, state: stateRefused}
	}
	gone := func() deleteOutcome {
		o := deleteOutcome{state: stateDeleted, follow: views.Emit(views.SourceRemovedMsg{ID: t.ID})}
		if t.Disabled {
			o.Outcome = Outcome{Text: fmt.Sprintf("%s: deleted permanently", t.Name), OK: true}
		} else {
			o.state = stateDeletedBySurprise
			o.Outcome = Outcome{Text: fmt.Sprintf("permanently deleted by the server: %s (%d)", t.Name, t.ID)}
		}
		return o
	}
	// An answer about another source says nothing about this one.
	clear := err == nil && res != nil && (res.ID == 0 || res.ID == t.ID)
	if clear && res.HardDelete {
		return gone()
	}

	d, rerr := readRow(sess, api, base, t.ID)
	if errors.Is(rerr, apiclient.ErrNotFound) {
		return gone()
	}
	var o deleteOutcome
	if rerr == nil {
		o.follow = views.Emit(views.SourceChangedMsg{Source: *d})
	}
	verb := map[bool]string{true: "deleted", false: "disabled"}[t.Disabled]
	switch {
	case err != nil:
		// The DELETE may still land after the read: only "gone" is
		// certain, and that was handled above.
		o.Outcome = Outcome{Text: fmt.Sprintf("%s: no clear answer (%s); the server may or may not have %s it. Refresh (r) to see.",
			t.Name, apiclient.Explain(err), verb)}
	case rerr != nil:
		why := "its answer did not say what it did"
		if clear && res.Disabled && !t.Disabled {
			why = "it answered disabled"
		}
		o.Outcome = Outcome{Text: fmt.Sprintf("%s: the server took the request and %s, but reading it again failed (%s). Refresh (r) to see.",
			t.Name, why, apiclient.Explain(rerr))}
	case t.Disabled:
		o.Outcome = Outcome{Text: fmt.Sprintf("%s: the server answered, but it still exists (%s). Refresh (r) to see.", t.Name, stateWord(d))}
	case !d.IsDisabled():
		o.Outcome = Outcome{Text: fmt.Sprintf("%s: the server answered, but it still reads as active. Refresh (r) to see.", t.Name)}
	default:
		o.state = stateDisabled
		text := fmt.Sprintf("%s: disabled (soft delete)", t.Name)
		if res != nil {
			if m := safe.Line(res.HandlerDeleteErrorMessage); m != "" {
				text += "; handler said: " + m
			}
		}
		o.Outcome = Outcome{Text: text, OK: true}
	}
	return o
}

// recheck reads a source about to be disabled. It stops the DELETE (and
// says why; nothing is sent) unless the source still reads as active.
func recheck(sess *views.Session, api views.API, base context.Context, t Target) (deleteOutcome, bool) {
	d, err := readRow(sess, api, base, t.ID)
	switch {
	case errors.Is(err, apiclient.ErrNotFound):
		return deleteOutcome{Outcome: Outcome{Text: fmt.Sprintf("%s: already deleted on the server; nothing sent", t.Name)},
			state: stateRefused, follow: views.Emit(views.SourceRemovedMsg{ID: t.ID})}, true
	case err != nil:
		return deleteOutcome{Outcome: Outcome{Text: fmt.Sprintf("%s: not disabled: reading its state again failed (%s); nothing sent", t.Name, apiclient.Explain(err))},
			state: stateRefused}, true
	case d.IsDisabled():
		return deleteOutcome{Outcome: Outcome{Text: fmt.Sprintf("%s: disabled by someone else meanwhile; nothing sent (D again deletes it for good)", t.Name)},
			state: stateRefused, follow: views.Emit(views.SourceChangedMsg{Source: *d})}, true
	}
	return deleteOutcome{}, false
}

func stateWord(d *apiclient.DataSource) string {
	if d.IsDisabled() {
		return "disabled"
	}
	return "active"
}

// Restore opens the restore dialog for the disabled sources among ts.
func Restore(sess *views.Session, ts []Target) tea.Cmd {
	var disabled []Target
	for _, t := range sanitize(ts) {
		if t.Disabled {
			disabled = append(disabled, t)
		}
	}
	if len(disabled) == 0 {
		return views.Status("only disabled data sources can be restored", views.Warn)
	}
	c, refused := claim(sess, disabled)
	if refused != nil {
		return refused
	}
	return open(sess, restoreSpec(sess, disabled), c)
}

func restoreSpec(sess *views.Session, ts []Target) Spec {
	title := fmt.Sprintf("Restore %s", ts[0].Name)
	if len(ts) > 1 {
		title = fmt.Sprintf("Restore %d data sources", len(ts))
	}
	api := sess.API
	return protect(sess, Spec{
		Title: title, ConfirmLabel: "Restore",
		Body: append([]string{"Re-enable:"}, names(ts, 8)...),
		Call: fmt.Sprintf("PUT /dataSource/{id} {\"deleted\":false} for %s", ids(ts)),
		Run: func(base context.Context) Result {
			var r Result
			ok := 0
			for _, t := range ts {
				o, done, follow := restoreOne(sess, api, base, t)
				r.Outcomes = append(r.Outcomes, o)
				r.Follow = append(r.Follow, follow)
				if done {
					ok++
				} else {
					r.Failed = true
				}
			}
			r.Summary = fmt.Sprintf("restored %d of %d", ok, len(ts))
			return r
		},
	})
}

// restoreOne sends one restore and tells what happened from the answer and
// a read right after it (Immuta documents the PUT's answer as an untyped
// string, so the answer alone may not show the source).
func restoreOne(sess *views.Session, api views.API, base context.Context, t Target) (Outcome, bool, tea.Cmd) {
	rctx, cancel := sess.WithTimeout(base)
	ans, err := api.RestoreDataSource(rctx, t.ID)
	cancel()
	if err != nil && !unknownOutcome(err) {
		return Outcome{Text: fmt.Sprintf("%s: not restored: %s", t.Name, apiclient.Explain(err))}, false, nil
	}
	d, rerr := readRow(sess, api, base, t.ID)
	switch {
	case errors.Is(rerr, apiclient.ErrNotFound):
		return Outcome{Text: fmt.Sprintf("%s (%d): not restored: it is gone from the server (permanently deleted)", t.Name, t.ID)}, false,
			views.Emit(views.SourceRemovedMsg{ID: t.ID})
	case err != nil:
		var follow tea.Cmd
		if rerr == nil {
			follow = views.Emit(views.SourceChangedMsg{Source: *d})
		}
		return Outcome{Text: fmt.Sprintf("%s: no clear answer (%s); it may or may not be restored. Refresh (r) to see.", t.Name, apiclient.Explain(err))}, false, follow
	case rerr != nil:
		if sameSource(ans, t.ID) == nil && !ans.IsDisabled() {
			return Outcome{Text: t.Name + ": restored", OK: true}, true, views.Emit(views.SourceChangedMsg{Source: *ans})
		}
		return Outcome{Text: fmt.Sprintf("%s: the server took the request, but reading it again failed (%s). Refresh (r) to see.", t.Name, apiclient.Explain(rerr))}, false, nil
	case d.IsDisabled():
		return Outcome{Text: fmt.Sprintf("%s: the server answered, but it still reads as disabled. Refresh (r) to see.", t.Name)}, false,
			views.Emit(views.SourceChangedMsg{Source: *d})
	}
	return Outcome{Text: t.Name + ": restored", OK: true}, true, views.Emit(views.SourceChangedMsg{Source: *d})
}
