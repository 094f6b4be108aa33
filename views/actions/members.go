package actions

// Member writes on a data source's access list: change a member's state
// or expiration, revoke (state denied) with PUT /dataSource/{id}/access/
// {subscriptionId}, and add a user or a group with POST /dataSource/{id}/
// access. Each goes through the confirm dialog like every other write: the
// read-only gate, one flow per source (the source's claim, from the key
// press until the dialog closes), Cancel focused, the protected-profile
// prompt, sent once, and the outcome from the server's answer and a read
// of the access list right after it.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// MemberStates are the states a member can be given (denied is the
// revoke, which has its own key).
var MemberStates = []string{"subscribed", "expert", "owner", "ingest"}

// memberName is what the dialogs call u: its name, else its email, else
// its user id, else its profile. Always safe to draw.
func memberName(u apiclient.AccessUser) string {
	for _, s := range []string{u.Name, u.Email, u.UserID} {
		if s = safe.Line(strings.TrimSpace(s)); s != "" {
			return s
		}
	}
	return fmt.Sprintf("profile %d", u.Profile)
}

// memberRefusal says why no write may start on u, or is nil.
func memberRefusal(sess *views.Session, u apiclient.AccessUser) tea.Cmd {
	switch {
	case sess.ReadOnly:
		return views.Status("read-only mode: writes are disabled", views.Warn)
	case u.Type == "policy":
		return views.Status(memberName(u)+" has access through a policy: change the policy, not the member", views.Warn)
	case u.SubscriptionID == 0 && viaGroup(u) != "":
		return views.Status(memberName(u)+" has access through the group "+viaGroup(u)+": change the group's entry", views.Warn)
	case u.SubscriptionID == 0:
		return views.Status(memberName(u)+" has no subscription id in the access list: there is nothing to change", views.Warn)
	}
	return nil
}

// claimMember takes src for a write on member u's entry, unless that
// entry cannot be written (memberRefusal says why).
func claimMember(sess *views.Session, src Target, u apiclient.AccessUser) (Target, *views.WriteClaim, tea.Cmd) {
	if r := memberRefusal(sess, u); r != nil {
		return src, nil, r
	}
	return claimOne(sess, src)
}

// RevokeMember opens the dialog that revokes u's access to src.
func RevokeMember(sess *views.Session, src Target, u apiclient.AccessUser) tea.Cmd {
	src, c, refused := claimMember(sess, src, u)
	if refused != nil {
		return refused
	}
	return open(sess, revokeSpec(sess, src, u), c)
}

func revokeSpec(sess *views.Session, src Target, u apiclient.AccessUser) Spec {
	name := memberName(u)
	ch := apiclient.AccessChange{State: "denied"}
	return protect(sess, Spec{
		Title:        fmt.Sprintf("Revoke %s's access to %s", name, src.Name),
		Body:         []string{memberLine(u), "", "They lose access at once (state denied). Adding them again (A) asks for a new grant."},
		Call:         setCall(src.ID, u.SubscriptionID, ch),
		ConfirmLabel: "Revoke",
		Run:          setRun(sess, src, u, ch),
	})
}

// memberLine describes u in a dialog's body.
func memberLine(u apiclient.AccessUser) string {
	s := "  • " + memberName(u)
	var about []string
	if e := safe.Line(u.Email); e != "" && e != memberName(u) {
		about = append(about, e)
	}
	if t := safe.Line(u.Type); t != "" {
		about = append(about, t)
	}
	if st := safe.Line(u.State); st != "" {
		about = append(about, "now "+st)
	}
	if x := Expiration(u); x != "" {
		about = append(about, "expires "+dateOf(x))
	}
	if len(about) > 0 {
		s += " (" + strings.Join(about, ", ") + ")"
	}
	return s
}

// Expiration reads an access entry's expiration from its raw JSON (the
// seed's shape has none; a tenant that sorts by it may send it).
func Expiration(u apiclient.AccessUser) string {
	if len(u.Raw) == 0 {
		return ""
	}
	var v struct {
		Expiration any `json:"expiration"`
	}
	if json.Unmarshal(u.Raw, &v) != nil {
		return ""
	}
	s, _ := v.Expiration.(string)
	return strings.TrimSpace(s)
}

// dateOf shows a server timestamp as its date, or as sent when it is not
// one.
func dateOf(s string) string {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format(time.DateOnly)
	}
	return safe.Line(s)
}

// wireTime is how an expiration is written in a body.
func wireTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func setCall(sourceID, accessID int64, ch apiclient.AccessChange) string {
	body := fmt.Sprintf(`{"state":%q`, ch.State)
	if ch.Expiration != nil {
		body += fmt.Sprintf(`,"expiration":%q`, wireTime(*ch.Expiration))
	}
	return fmt.Sprintf("PUT /dataSource/%d/access/%d %s}", sourceID, accessID, body)
}

func addCall(sourceID int64, r apiclient.AddAccessRequest) string {
	body := fmt.Sprintf(`{"state":%q`, r.State)
	if r.GroupID != 0 {
		body += fmt.Sprintf(`,"groupId":%d`, r.GroupID)
	} else {
		body += fmt.Sprintf(`,"profileId":%d`, r.ProfileID)
	}
	if r.Expiration != nil {
		body += fmt.Sprintf(`,"expiration":%q`, wireTime(*r.Expiration))
	}
	return fmt.Sprintf("POST /dataSource/%d/access %s}", sourceID, body)
}

// answerState reads the state and expiration an answer says, if it says
// them (the answer is untyped: an object with them, or anything else).
func answerState(ans *apiclient.WriteAnswer) (state, exp string) {
	if ans == nil || len(ans.Raw) == 0 {
		return "", ""
	}
	var v struct {
		State      any `json:"state"`
		Expiration any `json:"expiration"`
	}
	if json.Unmarshal(ans.Raw, &v) != nil {
		return "", ""
	}
	state, _ = v.State.(string)
	exp, _ = v.Expiration.(string)
	return safe.Line(state), strings.TrimSpace(exp)
}

// setRun sends one PUT and tells what it did from the answer and a read
// of the member right after it.
func setRun(sess *views.Session, src Target, u apiclient.AccessUser, ch apiclient.AccessChange) func(context.Context) Result {
	api := sess.API
	return func(base context.Context) Result {
		name := memberName(u)
		revoke := ch.State == "denied"
		verb := "changed"
		if revoke {
			verb = "revoked"
		}
		rctx, cancel := sess.WithTimeout(base)
		ans, err := api.SetAccess(rctx, src.ID, u.SubscriptionID, ch)
		cancel()
		if err != nil && !unknownOutcome(err) {
			msg := fmt.Sprintf("%s: not %s: %s", name, verb, apiclient.Explain(err))
			return Result{Failed: true, refused: true, Summary: msg, Outcomes: []Outcome{{Text: msg}}}
		}
		fresh, found, rerr := readMember(sess, base, src.ID, u)
		gone := rerr == nil && (!found || fresh.State == "denied")
		var r Result
		switch {
		case rerr == nil && gone:
			r.Follow = []tea.Cmd{views.Emit(views.AccessChangedMsg{SourceID: src.ID, AccessID: u.SubscriptionID, Removed: true})}
		case rerr == nil:
			f := fresh
			r.Follow = []tea.Cmd{views.Emit(views.AccessChangedMsg{SourceID: src.ID, AccessID: u.SubscriptionID, User: &f})}
		}
		ansState, ansExp := answerState(ans)
		switch {
		case err != nil:
			// The PUT may still land after the read: only a read that
			// shows the change settles it.
			if rerr == nil && (revoke && gone || !revoke && found && matches(fresh, ch)) {
				r.Outcomes = []Outcome{{Text: fmt.Sprintf("%s: %s (the answer was lost; a read shows the change)", name, describeNow(revoke, fresh)), OK: true}}
				r.Summary = name + ": " + describeNow(revoke, fresh)
				return r
			}
			r.Failed = true
			r.Summary = fmt.Sprintf("%s: no clear answer; the server may or may not have %s it. Refresh (r) to see.", name, verb)
			r.Outcomes = []Outcome{{Text: fmt.Sprintf("%s: no clear answer (%s); the server may or may not have %s it. Refresh (r) to see.", name, apiclient.Explain(err), verb)}}
			return r
		case rerr != nil:
			// The answer is all there is: believe what it says, and say
			// when it says nothing.
			said := "its answer did not say what it did"
			ok := false
			if ansState != "" {
				said = "it answered state " + ansState
				ok = ansState == ch.State
				if ansExp != "" {
					said += ", expiring " + dateOf(ansExp)
				}
			}
			if ok {
				r.Outcomes = []Outcome{{Text: fmt.Sprintf("%s: %s (%s; reading the access list again failed: %s)", name, verb, said, apiclient.Explain(rerr)), OK: true}}
				r.Summary = name + ": " + verb
				r.Follow = []tea.Cmd{views.Emit(views.AccessChangedMsg{SourceID: src.ID, Reload: true})}
				return r
			}
			r.Failed = true
			r.Summary = fmt.Sprintf("%s: the server took the request, but reading it again failed. Refresh (r) to see.", name)
			r.Outcomes = []Outcome{{Text: fmt.Sprintf("%s: the server took the request and %s, but reading the access list again failed (%s). Refresh (r) to see.", name, said, apiclient.Explain(rerr))}}
			return r
		case revoke && gone:
			r.Summary = name + ": access revoked"
			r.Outcomes = []Outcome{{Text: fmt.Sprintf("%s: access revoked; no longer in the access list of %s", name, src.Name), OK: true}}
		case revoke:
			r.Failed = true
			r.Summary = fmt.Sprintf("%s: the server answered, but they still read as %s", name, safe.Line(fresh.State))
			r.Outcomes = []Outcome{{Text: r.Summary + ". Refresh (r) to see."}}
		case !found:
			r.Failed = true
			r.Summary = fmt.Sprintf("%s: the server answered, but they are no longer in the access list", name)
			r.Outcomes = []Outcome{{Text: r.Summary + ". Refresh (r) to see."}}
		case !matches(fresh, ch):
			r.Failed = true
			r.Summary = fmt.Sprintf("%s: the server answered, but they now read as %s", name, describeNow(false, fresh))
			r.Outcomes = []Outcome{{Text: r.Summary + ". Refresh (r) to see."}}
		default:
			r.Summary = name + ": " + describeNow(false, fresh)
			r.Outcomes = []Outcome{{Text: r.Summary, OK: true}}
		}
		return r
	}
}

// matches says whether the entry read back shows the change asked for. An
// expiration is checked only when the list shows expirations at all.
func matches(u apiclient.AccessUser, ch apiclient.AccessChange) bool {
	if u.State != ch.State {
		return false
	}
	if ch.Expiration != nil {
		if got := Expiration(u); got != "" && dateOf(got) != ch.Expiration.UTC().Format(time.DateOnly) {
			return false
		}
	}
	return true
}

func describeNow(revoke bool, u apiclient.AccessUser) string {
	if revoke {
		return "access revoked"
	}
	s := "now " + safe.Line(u.State)
	if x := Expiration(u); x != "" {
		s += ", expires " + dateOf(x)
	}
	return s
}

// readMember finds the entry u.SubscriptionID in src's access list,
// searching by u's email or name (the list has no call for one entry).
// found is false when the search saw every hit and none was it.
func readMember(sess *views.Session, base context.Context, sourceID int64, u apiclient.AccessUser) (apiclient.AccessUser, bool, error) {
	search := strings.TrimSpace(u.Email)
	if search == "" {
		search = strings.TrimSpace(u.Name)
	}
	const size, most = 100, 20 // pages: a search that matches 2,000 is not settled
	for page := 0; page < most; page++ {
		rctx, cancel := sess.WithTimeout(base)
		p, err := sess.API.ListAccess(rctx, sourceID, apiclient.AccessOptions{SearchText: search, Size: size, Offset: page * size, ExpandGroups: u.Type == "user"})
		cancel()
		if err != nil {
			return apiclient.AccessUser{}, false, err
		}
		if p == nil {
			return apiclient.AccessUser{}, false, errors.New("empty answer from the access list")
		}
		for _, x := range p.Users {
			if x.SubscriptionID == u.SubscriptionID {
				return x, true, nil
			}
		}
		if len(p.Users) < size || (p.Count >= 0 && (page+1)*size >= p.Count) {
			return apiclient.AccessUser{}, false, nil
		}
	}
	return apiclient.AccessUser{}, false, errors.New("too many matches to find the member again")
}

// --- add ---------------------------------------------------------------

// addRun sends one POST and tells what the answer says; the access views
// of the source then load again (where the new member sits is the
// server's order).
func addRun(sess *views.Session, src Target, who string, req apiclient.AddAccessRequest) func(context.Context) Result {
	api := sess.API
	return func(base context.Context) Result {
		rctx, cancel := sess.WithTimeout(base)
		ans, err := api.AddAccess(rctx, src.ID, req)
		cancel()
		reload := []tea.Cmd{views.Emit(views.AccessChangedMsg{SourceID: src.ID, Reload: true})}
		switch {
		case err != nil && !unknownOutcome(err):
			msg := fmt.Sprintf("%s: not added: %s", who, apiclient.Explain(err))
			return Result{Failed: true, refused: true, Summary: msg, Outcomes: []Outcome{{Text: msg}}}
		case err != nil:
			return Result{Failed: true, Follow: reload,
				Summary:  fmt.Sprintf("%s: no clear answer; the server may or may not have added them. The list reloads: look before adding again.", who),
				Outcomes: []Outcome{{Text: fmt.Sprintf("%s: no clear answer (%s); the server may or may not have added them. The list reloads: look before adding again.", who, apiclient.Explain(err))}}}
		}
		state, exp := answerState(ans)
		text := fmt.Sprintf("%s: added to %s", who, src.Name)
		switch {
		case state != "":
			text += " as " + state
		default:
			text += " (the answer did not say in which state; the list reloads to show it)"
		}
		if exp != "" {
			text += ", expires " + dateOf(exp)
		}
		return Result{Summary: text, Outcomes: []Outcome{{Text: text, OK: true}}, Follow: reload}
	}
}

// resolved is the member an add names, once looked up.
type resolved struct {
	id    int64
	group bool
	who   string // for the dialog: "Ann Lee <ann@x> (profile 12)"
}

// errLookup is a lookup that found no single member: its message is the
// form's one line.
type errLookup struct{ msg string }

func (e errLookup) Error() string { return e.msg }

// resolveMember turns what was typed into a profile or group id: a number
// is the id itself; anything else is looked up through the source's access
// list (searchText), the one lookup the API offers here. Only an exact
// email or name (case aside) counts; none or several is an error that
// names the candidates.
func resolveMember(sess *views.Session, base context.Context, sourceID int64, group bool, typed string) (resolved, error) {
	typed = strings.TrimSpace(typed)
	kind := "profile"
	if group {
		kind = "group"
	}
	if n, err := strconv.ParseInt(typed, 10, 64); err == nil {
		if n <= 0 {
			return resolved{}, errLookup{"a " + kind + " id is a positive number"}
		}
		return resolved{id: n, group: group, who: fmt.Sprintf("%s %d", kind, n)}, nil
	}
	typ := "user"
	if group {
		typ = "group"
	}
	rctx, cancel := sess.WithTimeout(base)
	defer cancel()
	p, err := sess.API.ListAccess(rctx, sourceID, apiclient.AccessOptions{SearchText: typed, MemberTypes: []string{typ}, ExpandGroups: !group, Size: 50})
	if err != nil {
		return resolved{}, fmt.Errorf("looking up %q: %w", safe.Line(typed), err)
	}
	var exact, near []apiclient.AccessUser
	seen := map[int64]bool{}
	if p != nil {
		for _, u := range p.Users {
			id := memberID(u, group)
			if id == 0 || seen[id] || (u.Type != "" && u.Type != typ) {
				continue
			}
			seen[id] = true
			if strings.EqualFold(strings.TrimSpace(u.Email), typed) || strings.EqualFold(strings.TrimSpace(u.Name), typed) {
				exact = append(exact, u)
			} else {
				near = append(near, u)
			}
		}
	}
	switch {
	case len(exact) == 1:
		u := exact[0]
		who := memberName(u)
		if e := safe.Line(u.Email); e != "" && e != who {
			who += " <" + e + ">"
		}
		return resolved{id: memberID(u, group), group: group, who: fmt.Sprintf("%s (%s %d)", who, kind, memberID(u, group))}, nil
	case len(exact) > 1:
		return resolved{}, errLookup{fmt.Sprintf("%q is ambiguous: %s; type the %s id", safe.Line(typed), candidates(exact, group), kind)}
	case len(near) > 0:
		return resolved{}, errLookup{fmt.Sprintf("no exact match for %q; near: %s; type the full email or name, or the %s id", safe.Line(typed), candidates(near, group), kind)}
	}
	return resolved{}, errLookup{fmt.Sprintf("no %s matching %q in this source's access list (the only lookup here); type the %s id", typ, safe.Line(typed), kind)}
}

// memberID is the profile (or group) id of an access entry. A group's
// entry carries its id as "group" (or "groupId") in the raw JSON, or as
// its profile.
func memberID(u apiclient.AccessUser, group bool) int64 {
	if !group || u.Profile != 0 {
		return u.Profile
	}
	var v struct {
		Group   any `json:"group"`
		GroupID any `json:"groupId"`
	}
	if json.Unmarshal(u.Raw, &v) == nil {
		for _, x := range []any{v.Group, v.GroupID} {
			switch x := x.(type) {
			case float64:
				if x > 0 && x < 1<<53 && x == float64(int64(x)) {
					return int64(x)
				}
			case string:
				if n, err := strconv.ParseInt(x, 10, 64); err == nil && n > 0 {
					return n
				}
			}
		}
	}
	return 0
}

// viaGroup names the group an expanded entry has its access through.
func viaGroup(u apiclient.AccessUser) string {
	var v struct {
		ViaGroup struct {
			Name string `json:"name"`
		} `json:"viaGroup"`
	}
	if len(u.Raw) == 0 || json.Unmarshal(u.Raw, &v) != nil {
		return ""
	}
	return safe.Line(v.ViaGroup.Name)
}

func candidates(us []apiclient.AccessUser, group bool) string {
	const most = 4
	var out []string
	for i, u := range us {
		if i == most {
			out = append(out, fmt.Sprintf("and %d more", len(us)-most))
			break
		}
		s := memberName(u)
		if e := safe.Line(u.Email); e != "" && e != s {
			s += " <" + e + ">"
		}
		out = append(out, fmt.Sprintf("%s (%d)", s, memberID(u, group)))
	}
	return strings.Join(out, ", ")
}

// --- entry points --------------------------------------------------------

// EditMember opens the form that changes u's state and expiration.
func EditMember(sess *views.Session, src Target, u apiclient.AccessUser) tea.Cmd {
	src, c, refused := claimMember(sess, src, u)
	if refused != nil {
		return refused
	}
	return views.OpenModal(newMemberForm(sess, src, &u, c))
}

// AddMember opens the form that adds a user or a group to src.
func AddMember(sess *views.Session, src Target) tea.Cmd {
	if sess.ReadOnly {
		return views.Status("read-only mode: writes are disabled", views.Warn)
	}
	src, c, refused := claimOne(sess, src)
	if refused != nil {
		return refused
	}
	return views.OpenModal(newMemberForm(sess, src, nil, c))
}
