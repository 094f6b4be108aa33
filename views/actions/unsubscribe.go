package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// unsubscribable are the subscription states the caller can leave with
// DELETE /dataSource/{id}/unsubscribe. An owner is not offered it (giving
// up ownership belongs to the access view), nor is a source the caller has
// no subscription to. A pending request is withdrawn by the same call.
var unsubscribable = map[string]bool{"subscribed": true, "expert": true, "ingest": true}

// CanUnsubscribe reports whether a source in subscription state status is
// one the caller can unsubscribe from.
func CanUnsubscribe(status string) bool {
	return unsubscribable[strings.ToLower(strings.TrimSpace(status))]
}

// isPending is a request of the caller's still waiting for approval.
func isPending(status string) bool {
	return strings.EqualFold(strings.TrimSpace(status), "pending")
}

// OwnerCannotUnsubscribe is the line for a source the caller owns; the CLI
// prints the same.
func OwnerCannotUnsubscribe(name string) string {
	return "you own " + name + ": an owner cannot unsubscribe"
}

// Unsubscribe re-reads the sources (the server's subscriptionStatus
// decides, never a row that may be stale), then opens the unsubscribe
// dialog for those the caller is subscribed to; the others are skipped
// and counted. Like Delete, the sources are taken for this flow from the
// key press until the dialog closes.
func Unsubscribe(sess *views.Session, ts []Target) tea.Cmd {
	if len(ts) == 0 {
		return nil
	}
	if sess.ReadOnly {
		// The keymap hides the key and the client refuses the DELETE;
		// this keeps a view that forgot the first from even asking.
		return views.Status("read-only mode: writes are disabled", views.Warn)
	}
	return checkThenOpen(sess, ts, "checking subscriptions", checkSubscriptions)
}

// checkSubscriptions reads each source and returns what to show: the
// dialog (also returned, to hand it the flow's claim), or why there is
// none.
func checkSubscriptions(sess *views.Session, ts []Target) (tea.Msg, *Dialog) {
	var subscribed, pending []Target
	var follow []tea.Cmd
	skipped := map[string]int{}
	unknown := 0
	for _, t := range ts {
		d, name, removed, fail := reread(sess, t, "unsubscribing")
		switch {
		case fail != nil:
			return fail, nil
		case removed != nil:
			follow = append(follow, removed)
			skipped["deleted"]++
			continue
		}
		// A read that does not say (some tenants' GET /dataSource/{id}
		// leaves subscriptionStatus out) is offered, and said so: the
		// server refuses a source the caller is not subscribed to, and
		// the refusal changes nothing.
		st := strings.TrimSpace(d.SubscriptionStatus)
		switch {
		case st == "":
			unknown++
		case isPending(st):
			// The same call withdraws the request.
			pending = append(pending, Target{ID: t.ID, Name: name, Disabled: d.IsDisabled(), Subscription: "pending"})
			continue
		case !CanUnsubscribe(st):
			skipped[statusWord(st)]++
			continue
		}
		subscribed = append(subscribed, Target{ID: t.ID, Name: name, Disabled: d.IsDisabled()})
	}
	skip := skippedWords(skipped)
	if len(subscribed)+len(pending) == 0 {
		text := "you are not subscribed to " + ts[0].Name + " (" + skip + "); nothing to unsubscribe"
		if skipped["owner"] == 1 && len(ts) == 1 {
			text = OwnerCannotUnsubscribe(ts[0].Name)
		}
		if len(ts) > 1 {
			text = fmt.Sprintf("you are subscribed to none of the %d data sources (%s); nothing to unsubscribe", len(ts), skip)
		}
		return tea.BatchMsg(append(follow, views.Status(text, views.Warn))), nil
	}
	dlg := NewDialog(sess, unsubscribeSpec(sess, subscribed, pending, skip, len(ts)-len(subscribed)-len(pending), unknown))
	return tea.BatchMsg(append(follow, views.Emit(views.OpenModalMsg{M: dlg}))), dlg
}

// statusWord names a subscription state for the skipped count.
func statusWord(s string) string {
	s = strings.ToLower(strings.TrimSpace(safe.Line(s)))
	switch s {
	case "", "none", "not_subscribed", "unsubscribed":
		return "not subscribed"
	case "owner":
		return "owner"
	case "pending":
		return "request pending"
	}
	return s
}

// skippedWords is "2 not subscribed, 1 owner", in a fixed order.
func skippedWords(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

func unsubscribeSpec(sess *views.Session, subscribed, pending []Target, skip string, skipped, unknown int) Spec {
	ts := append(slices.Clone(subscribed), pending...)
	title := fmt.Sprintf("Unsubscribe from %s", ts[0].Name)
	confirm := "Unsubscribe"
	if len(subscribed) == 0 {
		title, confirm = fmt.Sprintf("Withdraw your request for %s", ts[0].Name), "Withdraw"
	}
	call := fmt.Sprintf("DELETE /dataSource/%d/unsubscribe", ts[0].ID)
	if len(ts) > 1 {
		title = fmt.Sprintf("Unsubscribe from %d data sources", len(ts))
		if len(subscribed) == 0 {
			title = fmt.Sprintf("Withdraw your requests for %d data sources", len(ts))
		}
		call = fmt.Sprintf("DELETE /dataSource/{id}/unsubscribe for %s", ids(ts))
	}
	var body []string
	if len(subscribed) > 0 {
		body = append(body, "You will lose your access to:")
		body = append(body, names(subscribed, 8)...)
	}
	if len(pending) > 0 {
		if len(body) > 0 {
			body = append(body, "")
		}
		body = append(body, "Your pending request will be withdrawn for:")
		body = append(body, names(pending, 8)...)
	}
	if unknown > 0 {
		body = append(body, "", fmt.Sprintf("The server did not say whether you are subscribed to %d of them; it refuses those you are not.", unknown))
	}
	if skipped > 0 {
		body = append(body, "", fmt.Sprintf("Skipped %d you are not subscribed to (%s).", skipped, skip))
	}
	body = append(body, "", fmt.Sprintf("Getting access back means subscribing again (%s), which may need an owner's approval.",
		sess.Keys.Subscribe.Help().Key))
	api := sess.API
	return protect(sess, Spec{
		Title: title, Body: body, ConfirmLabel: confirm, Call: call,
		Run: func(base context.Context) Result {
			var r Result
			unsubbed, withdrawn := 0, 0
			for _, t := range ts {
				o, ok, follow := unsubscribeOne(sess, api, base, t)
				r.Outcomes = append(r.Outcomes, o)
				r.Follow = append(r.Follow, follow)
				switch {
				case !ok:
					r.Failed = true
				case isPending(t.Subscription):
					withdrawn++
				default:
					unsubbed++
				}
			}
			var parts []string
			if len(subscribed) > 0 {
				parts = append(parts, fmt.Sprintf("unsubscribed %d of %d", unsubbed, len(subscribed)))
			}
			if len(pending) > 0 {
				parts = append(parts, fmt.Sprintf("withdrew %d of %d %s", withdrawn, len(pending), "request"+plural(len(pending))))
			}
			r.Summary = strings.Join(parts, " · ")
			if skipped > 0 {
				r.Summary += fmt.Sprintf(" · skipped %d (%s)", skipped, skip)
			}
			return r
		},
	})
}

// unsubscribeOne sends one unsubscribe and tells what happened from the
// answer and a read of the source right after it (the answer is untyped:
// only subscriptionStatus says where the caller stands now).
func unsubscribeOne(sess *views.Session, api views.API, base context.Context, t Target) (Outcome, bool, tea.Cmd) {
	rctx, cancel := sess.WithTimeout(base)
	_, err := api.Unsubscribe(rctx, t.ID)
	cancel()
	done, not := "unsubscribed", "not unsubscribed"
	if isPending(t.Subscription) {
		done, not = "request withdrawn", "request not withdrawn"
	}
	if err != nil && !unknownOutcome(err) {
		return Outcome{Text: fmt.Sprintf("%s: %s: %s", t.Name, not, apiclient.Explain(err))}, false, nil
	}
	// still: the read says the caller holds what the call was to end.
	still := func(st string) bool { return CanUnsubscribe(st) || isPending(t.Subscription) && isPending(st) }
	d, rerr := readRow(sess, api, base, t.ID)
	var follow tea.Cmd
	if rerr == nil {
		follow = views.Emit(views.SourceChangedMsg{Source: *d})
	}
	switch {
	case errors.Is(rerr, apiclient.ErrNotFound):
		return Outcome{Text: fmt.Sprintf("%s (%d): it is gone from the server", t.Name, t.ID)}, false,
			views.Emit(views.SourceRemovedMsg{ID: t.ID})
	case err != nil && rerr == nil && strings.TrimSpace(d.SubscriptionStatus) != "" && !still(d.SubscriptionStatus):
		// The answer was lost, but the read settles it: the caller is
		// no longer subscribed.
		return Outcome{Text: fmt.Sprintf("%s: %s (the answer was lost: %s; the source now reads %s)",
			t.Name, done, apiclient.Explain(err), statusWord(d.SubscriptionStatus)), OK: true}, true, follow
	case err != nil:
		return Outcome{Text: fmt.Sprintf("%s: no clear answer (%s); the server may or may not have unsubscribed you. Refresh (r) to see.",
			t.Name, apiclient.Explain(err))}, false, follow
	case rerr != nil:
		return Outcome{Text: fmt.Sprintf("%s: the server took the request, but reading it again failed (%s). Refresh (r) to see.",
			t.Name, apiclient.Explain(rerr))}, false, nil
	case still(d.SubscriptionStatus):
		return Outcome{Text: fmt.Sprintf("%s: the server answered, but it still reads as %s. Refresh (r) to see.",
			t.Name, safe.Line(d.SubscriptionStatus))}, false, follow
	case strings.TrimSpace(d.SubscriptionStatus) == "":
		return Outcome{Text: fmt.Sprintf("%s: the server accepted the unsubscribe; reading it again does not say the subscription state", t.Name), OK: true}, true, follow
	}
	return Outcome{Text: fmt.Sprintf("%s: %s (now %s)", t.Name, done, statusWord(d.SubscriptionStatus)), OK: true}, true, follow
}
