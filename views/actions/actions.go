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
	"github.com/dsbrowse/dsbrowse/ui/safe"
	"github.com/dsbrowse/dsbrowse/views"
)

// Target is a source an action works on.
type Target struct {
	ID       int64
	Name     string // already safe to draw
	Disabled bool
}

// unknownOutcome is true when a write got no clear answer: it may or may
// not have happened, and it must not be sent again blindly.
func unknownOutcome(err error) bool {
	return errors.Is(err, apiclient.ErrUnreachable) || errors.Is(err, apiclient.ErrServer) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, apiclient.ErrMalformed)
}

// protect adds the profile-name prompt on a protected profile.
func protect(ctx *views.Context, s Spec) Spec {
	if ctx.Protected {
		s.Typed = append(s.Typed, Typed{
			Label: fmt.Sprintf("%s is a protected profile: type its name to confirm", safe.Line(ctx.Profile)),
			Want:  ctx.Profile,
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

// refetch reads the given sources again and reports each as changed (or
// removed), so every view shows the server's state.
func refetch(ctx *views.Context, idList []int64) tea.Cmd {
	if len(idList) == 0 {
		return nil
	}
	api := ctx.API
	return views.Track("refreshing changed sources", func() tea.Msg {
		var cmds []tea.Cmd
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for _, id := range idList {
			wg.Add(1)
			sem <- struct{}{}
			go func(id int64) {
				defer wg.Done()
				defer func() { <-sem }()
				rctx, cancel := ctx.WithTimeout(context.Background())
				defer cancel()
				d, err := api.GetDataSource(rctx, id)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					cmds = append(cmds, views.Emit(views.SourceChangedMsg{Source: *d}))
				case errors.Is(err, apiclient.ErrNotFound):
					cmds = append(cmds, views.Emit(views.SourceRemovedMsg{ID: id}))
				}
			}(id)
		}
		wg.Wait()
		return tea.BatchMsg(cmds)
	})
}

// Subscribe opens the subscribe dialog for ts.
func Subscribe(ctx *views.Context, ts []Target) tea.Cmd {
	if len(ts) == 0 {
		return nil
	}
	ts = sanitize(ts)
	title := fmt.Sprintf("Subscribe to %s", ts[0].Name)
	if len(ts) > 1 {
		title = fmt.Sprintf("Subscribe to %d data sources", len(ts))
	}
	body := append([]string{"You will ask for access to:"}, names(ts, 8)...)
	body = append(body, "", "Sources with an automatic policy grant access at once; others wait for an owner's approval.")
	api := ctx.API
	spec := protect(ctx, Spec{
		Title: title, Body: body, ConfirmLabel: "Subscribe",
		Call: fmt.Sprintf("POST /dataSource/subscribe {\"dataSourceIds\":[%s]}", ids(ts)),
		Run: func(base context.Context) Result {
			rctx, cancel := ctx.WithTimeout(base)
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
				r.Follow = []tea.Cmd{refetch(ctx, idList)}
				return r
			}
			if res == nil {
				res = &apiclient.SubscribeResult{} // an empty answer: every source is reported unknown
			}
			return subscribeResult(res, ts, byID, ctx, idList)
		},
	})
	return views.OpenModal(NewDialog(ctx, spec))
}

func subscribeResult(res *apiclient.SubscribeResult, ts []Target, byID map[int64]string, ctx *views.Context, idList []int64) Result {
	var r Result
	seen := map[int64]bool{}
	var subscribed, pending, failed int
	for _, s := range res.Success {
		id := s.DataSourceID()
		seen[id] = true
		name := byID[id]
		if name == "" {
			name = fmt.Sprintf("data source %s", safe.Line(string(s.ModelID)))
		}
		switch s.State {
		case "pending":
			pending++
			r.Outcomes = append(r.Outcomes, Outcome{Text: name + ": pending approval (an owner must approve)", OK: true})
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
	r.Follow = []tea.Cmd{refetch(ctx, idList)}
	return r
}

// Delete re-reads the sources (a stale "active" must never turn into a
// hard delete), then opens the disable or delete dialog.
func Delete(ctx *views.Context, ts []Target) tea.Cmd {
	if len(ts) == 0 {
		return nil
	}
	ts = sanitize(ts)
	api := ctx.API
	return views.Track("checking current state", func() tea.Msg {
		fresh := make([]Target, 0, len(ts))
		var gone []tea.Cmd
		for _, t := range ts {
			// Each read has its own time: a long bulk list must not run
			// out of one shared deadline.
			rctx, cancel := ctx.WithTimeout(context.Background())
			d, err := api.GetDataSource(rctx, t.ID)
			cancel()
			switch {
			case errors.Is(err, apiclient.ErrNotFound):
				// Already gone: nothing to delete, and the list should
				// stop showing it.
				gone = append(gone, views.Emit(views.SourceRemovedMsg{ID: t.ID}))
				continue
			case err != nil:
				return views.ErrorMsg{What: fmt.Sprintf("checking %s before deleting", t.Name), Err: err}
			}
			fresh = append(fresh, Target{ID: d.ID, Name: safe.Line(d.Name), Disabled: d.IsDisabled()})
		}
		if len(fresh) == 0 {
			return tea.BatchMsg(append(gone, views.Status("already deleted on the server; nothing to do", views.Warn)))
		}
		if len(gone) > 0 {
			gone = append(gone, views.Status(fmt.Sprintf("%d already deleted on the server", len(gone)), views.Warn))
		}
		return tea.BatchMsg(append(gone, views.Emit(views.OpenModalMsg{M: NewDialog(ctx, deleteSpec(ctx, fresh))})))
	})
}

func deleteSpec(ctx *views.Context, ts []Target) Spec {
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
	api := ctx.API
	s.Run = func(base context.Context) Result {
		var r Result
		var changed []int64
		var removed []int64
		var undo []Target
		for _, t := range ts {
			rctx, cancel := ctx.WithTimeout(base)
			res, err := api.DeleteDataSource(rctx, t.ID)
			cancel()
			if err == nil && res == nil {
				res = &apiclient.DeleteResult{} // an empty answer: success, details unknown
			}
			switch {
			case err != nil && unknownOutcome(err):
				r.Failed = true
				r.Outcomes = append(r.Outcomes, Outcome{Text: fmt.Sprintf("%s: no clear answer (%s); the server may or may not have %s it. Refresh (r) to see.",
					t.Name, apiclient.Explain(err), map[bool]string{true: "deleted", false: "disabled"}[t.Disabled])})
				changed = append(changed, t.ID)
			case err != nil:
				r.Failed = true
				r.Outcomes = append(r.Outcomes, Outcome{Text: fmt.Sprintf("%s: not done: %s", t.Name, apiclient.Explain(err))})
			case t.Disabled || res.HardDelete:
				removed = append(removed, t.ID)
				r.Outcomes = append(r.Outcomes, Outcome{Text: fmt.Sprintf("%s: deleted permanently", t.Name), OK: true})
			default:
				changed = append(changed, t.ID)
				undo = append(undo, Target{ID: t.ID, Name: t.Name, Disabled: true})
				text := fmt.Sprintf("%s: disabled (soft delete)", t.Name)
				if m := safe.Line(res.HandlerDeleteErrorMessage); m != "" {
					text += "; handler said: " + m
				}
				r.Outcomes = append(r.Outcomes, Outcome{Text: text, OK: true})
			}
		}
		r.Summary = fmt.Sprintf("disabled %d, deleted %d, failed %d", len(undo), len(removed), len(ts)-len(undo)-len(removed))
		if len(undo) > 0 {
			r.Undo = NewDialog(ctx, restoreSpec(ctx, undo))
			r.UndoLabel = "undo: restore"
			r.Summary += " · u restores"
		}
		r.Follow = append(r.Follow, refetch(ctx, changed))
		for _, id := range removed {
			r.Follow = append(r.Follow, views.Emit(views.SourceRemovedMsg{ID: id}))
		}
		return r
	}
	return protect(ctx, s)
}

// Restore opens the restore dialog for the disabled sources among ts.
func Restore(ctx *views.Context, ts []Target) tea.Cmd {
	var disabled []Target
	for _, t := range sanitize(ts) {
		if t.Disabled {
			disabled = append(disabled, t)
		}
	}
	if len(disabled) == 0 {
		return views.Status("only disabled data sources can be restored", views.Warn)
	}
	return views.OpenModal(NewDialog(ctx, restoreSpec(ctx, disabled)))
}

func restoreSpec(ctx *views.Context, ts []Target) Spec {
	title := fmt.Sprintf("Restore %s", ts[0].Name)
	if len(ts) > 1 {
		title = fmt.Sprintf("Restore %d data sources", len(ts))
	}
	api := ctx.API
	return protect(ctx, Spec{
		Title: title, ConfirmLabel: "Restore",
		Body: append([]string{"Re-enable:"}, names(ts, 8)...),
		Call: fmt.Sprintf("PUT /dataSource/{id} {\"deleted\":false} for %s", ids(ts)),
		Run: func(base context.Context) Result {
			var r Result
			var idList []int64
			ok := 0
			for _, t := range ts {
				rctx, cancel := ctx.WithTimeout(base)
				_, err := api.RestoreDataSource(rctx, t.ID)
				cancel()
				idList = append(idList, t.ID)
				switch {
				case err != nil && unknownOutcome(err):
					r.Failed = true
					r.Outcomes = append(r.Outcomes, Outcome{Text: fmt.Sprintf("%s: no clear answer (%s); it may or may not be restored. Refresh (r) to see.", t.Name, apiclient.Explain(err))})
				case err != nil:
					r.Failed = true
					r.Outcomes = append(r.Outcomes, Outcome{Text: fmt.Sprintf("%s: not restored: %s", t.Name, apiclient.Explain(err))})
				default:
					ok++
					r.Outcomes = append(r.Outcomes, Outcome{Text: t.Name + ": restored", OK: true})
				}
			}
			r.Summary = fmt.Sprintf("restored %d of %d", ok, len(ts))
			r.Follow = []tea.Cmd{refetch(ctx, idList)}
			return r
		},
	})
}
