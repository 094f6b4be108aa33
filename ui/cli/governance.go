package cli

// Governance commands (issue 9): pending access requests, approving and
// denying them, changing, adding and revoking members of a source, and
// unsubscribing yourself. Every write follows write.go's rules: the
// read-only gate before anything else, the protected-profile prompt, one
// request sent once, and the outcome told from the server's answer.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// Access levels as the API names them.
var (
	memberStates = []string{"subscribed", "expert", "owner", "ingest"}
	// setStates adds denied, which revokes.
	setStates   = []string{"denied", "subscribed", "expert", "owner", "ingest"}
	memberTypes = []string{"user", "group", "policy"}
	accessSorts = []string{"name", "state", "email", "expiration", "type"}
)

// parseIDs reads one or more ids, dropping repeats (the first one stays).
func parseIDs(cmd, what string, args []string) ([]int64, error) {
	if len(args) == 0 {
		return nil, usagef(cmd, "missing arguments: want one or more %ss", what)
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, a := range args {
		id, err := parseID(cmd, what, a)
		if err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// parseExpires reads --expires; "" is no expiry.
func parseExpires(cmd, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := apiclient.ParseDate(s)
	if err != nil {
		return nil, usagef(cmd, "--expires: %v", err)
	}
	return &t, nil
}

// --- requests ------------------------------------------------------------------

var requestsCommand = &command{
	name:    "requests",
	args:    "[--source ID] [--search TEXT] [--limit N] [--json]",
	summary: "list the pending access requests you can approve",
	detail: `Only requests for data sources are listed (not projects). --source keeps the
requests for that one source. --search looks for TEXT in the requester's
email when it has an @, else in the requester's name and in the source's
name. Approve or deny with dsbrowse approve / dsbrowse deny and the ID
column. --json prints one array of the requests as the server sent them.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var source int64
		var search string
		var limit int
		var asJSON bool
		fs.Int64Var(&source, "source", 0, "only requests for the data source `ID`")
		fs.StringVar(&search, "search", "", "requester name, email (with @) or source name containing `TEXT`")
		fs.IntVar(&limit, "limit", 0, "stop after `N` requests (0: all)")
		fs.BoolVar(&asJSON, "json", false, "print JSON (an array)")
		return func(r *run, args []string) error {
			if err := wantArgs("requests", args, 0, "no arguments"); err != nil {
				return err
			}
			if limit < 0 {
				return usagef("requests", "--limit must not be negative")
			}
			if source < 0 {
				return usagef("requests", "--source must be a positive number")
			}
			return r.requests(source, strings.TrimSpace(search), limit, asJSON)
		}
	},
}

func (r *run) requests(source int64, search string, limit int, asJSON bool) error {
	base := apiclient.PendingOptions{Size: 100}
	if source > 0 {
		// The API filters by model name only: ask for the source's name,
		// then keep the requests for its id (another source's name may
		// contain it).
		d, err := r.env.Client.GetDataSource(r.ctx, source)
		if err != nil {
			return notFound(err, "data source %d", source)
		}
		if strings.TrimSpace(d.Name) == "" {
			return fmt.Errorf("data source %d has no name to look its requests up by", source)
		}
		base.ModelName = d.Name
	}
	// One query per field the search text fits; their hits are merged.
	var queries []apiclient.PendingOptions
	switch {
	case search == "":
		queries = append(queries, base)
	case strings.Contains(search, "@"):
		q := base
		q.Email = search
		queries = append(queries, q)
	default:
		q := base
		q.Name = search
		queries = append(queries, q)
		if source == 0 {
			q := base
			q.ModelName = search
			queries = append(queries, q)
		}
	}

	var js *jsonStream
	if asJSON {
		js = &jsonStream{w: r.io.Out}
	}
	// The table streams like ls's: widths from the first batch of rows.
	st := &streamTable{w: r.io.Out, cols: []column{{title: "ID", min: 6, keep: true}, {title: "REQUESTER"}, {title: "EMAIL"},
		{title: "SOURCE"}, {title: "SOURCE_ID", keep: true}, {title: "REQUESTED"}, {title: "WAITING_ON"}}}
	var batch [][]string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if st.widths == nil {
			st.fit(batch)
		}
		err := st.emit(st.render(batch))
		batch = batch[:0]
		return err
	}
	seen := map[int64]bool{}
	n := 0
loop:
	for _, q := range queries {
		for req, err := range r.env.Client.AllPendingRequests(r.ctx, q) {
			if err != nil {
				return err
			}
			if !strings.EqualFold(req.Model.Type, "datasource") || (source > 0 && req.Model.ID != source) {
				continue
			}
			if req.ID != 0 {
				if seen[req.ID] {
					continue
				}
				seen[req.ID] = true
			}
			n++
			if js != nil {
				out, err := renderJSON([]apiclient.PendingRequest{req}, func(p *apiclient.PendingRequest) json.RawMessage { return p.Raw })
				if err != nil {
					return err
				}
				if err := js.emit(out); err != nil {
					return err
				}
			} else {
				cells := []string{idOrDash(req.ID), entityLabel(req.Entity), req.Entity.Email, req.Model.Name,
					idOrDash(req.Model.ID), req.CreatedAt, waitingOn(req)}
				for i, c := range cells {
					cells[i] = safe.Short(c, maxCell)
				}
				if batch = append(batch, cells); len(batch) == 100 {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			if limit > 0 && n >= limit {
				break loop
			}
		}
	}
	if js != nil {
		return js.close()
	}
	if n == 0 {
		fmt.Fprintln(r.io.Err, "no pending requests")
		return nil
	}
	return flush()
}

func idOrDash(id int64) string {
	if id == 0 {
		return "-"
	}
	return strconv.FormatInt(id, 10)
}

// entityLabel is a requester's name, marked when it is a group.
func entityLabel(e apiclient.EntityRef) string {
	name := orDefault(e.Name, idOrDash(e.ID))
	if e.Type == "group" {
		return name + " (group)"
	}
	return name
}

// waitingOn lists the approvals still pending, and the project a request
// came through.
func waitingOn(req apiclient.PendingRequest) string {
	var parts []string
	for _, a := range req.Waiting() {
		p := a.RequiredPermission
		if a.Approver != "" {
			p += " (" + a.Approver + ")"
		}
		parts = append(parts, p)
	}
	s := strings.Join(parts, ", ")
	if req.FromProject != nil && req.FromProject.Name != "" {
		s = joinNonEmpty("; ", s, "via project "+req.FromProject.Name)
	}
	return s
}

// --- approve and deny -------------------------------------------------------------

var approveCommand = &command{
	name:    "approve",
	args:    "REQUEST_ID... [--expires DATE] [--json]",
	summary: "approve pending access requests",
	detail: `All the IDs (from dsbrowse requests) go in one request to the server. Prints
one line per ID: approved, or the server's reason it failed. Exits 1 when
any failed. --expires ends the access granted on DATE (YYYY-MM-DD, midnight
UTC, or an RFC 3339 time).`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var expires string
		var asJSON bool
		fs.StringVar(&expires, "expires", "", "the access granted ends on `DATE` (YYYY-MM-DD or RFC 3339)")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			ids, err := parseIDs("approve", "REQUEST_ID", args)
			if err != nil {
				return err
			}
			exp, err := parseExpires("approve", expires)
			if err != nil {
				return err
			}
			reqs := make([]apiclient.ApproveRequest, len(ids))
			for i, id := range ids {
				reqs[i] = apiclient.ApproveRequest{ID: id, Expiration: exp}
			}
			return r.decide("approve", "approved", ids, asJSON, func(ctx context.Context) (*apiclient.DecisionResult, error) {
				return r.env.Client.ApproveRequests(ctx, reqs)
			})
		}
	},
}

var denyCommand = &command{
	name:    "deny",
	args:    "REQUEST_ID... --reason TEXT [--json]",
	summary: "deny pending access requests, with a reason",
	detail: `All the IDs (from dsbrowse requests) go in one request to the server, each
with the reason (required: the requester sees it). Prints one line per ID:
denied, or the server's reason it failed. Exits 1 when any failed.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var reason string
		var asJSON bool
		fs.StringVar(&reason, "reason", "", "why the requests are denied: the requester sees `TEXT` (required)")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			ids, err := parseIDs("deny", "REQUEST_ID", args)
			if err != nil {
				return err
			}
			if strings.TrimSpace(reason) == "" {
				return usagef("deny", "--reason TEXT is required: the requester is told why; nothing was sent")
			}
			reqs := make([]apiclient.DenyRequest, len(ids))
			for i, id := range ids {
				reqs[i] = apiclient.DenyRequest{ID: id, Reason: reason}
			}
			return r.decide("deny", "denied", ids, asJSON, func(ctx context.Context) (*apiclient.DecisionResult, error) {
				return r.env.Client.DenyRequests(ctx, reqs)
			})
		}
	},
}

// decide sends one approve or deny call for ids and reports each id's
// outcome from the server's failures list.
func (r *run) decide(verb, done string, ids []int64, asJSON bool, send func(context.Context) (*apiclient.DecisionResult, error)) error {
	if err := r.writeGate(); err != nil {
		return err
	}
	if err := r.confirmProtected(verb + " requests"); err != nil {
		return err
	}
	res, err := send(r.ctx)
	if err != nil {
		return r.writeFailed(err, done+" the requests", "dsbrowse requests")
	}
	failures := map[int64]apiclient.DecisionFailure{}
	var strays []apiclient.DecisionFailure // failures for ids not asked about
	asked := map[int64]bool{}
	for _, id := range ids {
		asked[id] = true
	}
	for _, f := range res.Failures {
		if asked[f.ID] {
			if _, dup := failures[f.ID]; !dup {
				failures[f.ID] = f
			}
		} else {
			strays = append(strays, f)
		}
	}
	// A request that needs several approvals stays pending after one: the
	// answer does not say so, the pending list read afterwards does.
	var still map[int64]string
	if verb == "approve" && !asJSON && len(failures) < len(ids) {
		still = r.stillPending(ids, failures)
	}
	t := &outcomes{}
	for _, id := range ids {
		if f, ok := failures[id]; ok {
			t.add(strconv.FormatInt(id, 10), "error: "+failureText(f))
		} else if w, ok := still[id]; ok {
			t.add(strconv.FormatInt(id, 10), done+"; still pending, waiting on "+orDefault(w, "another approval"))
		} else {
			t.add(strconv.FormatInt(id, 10), done)
		}
	}
	for _, f := range strays {
		t.add(strconv.FormatInt(f.ID, 10), "error: "+failureText(f))
	}
	if asJSON {
		raw, err := serverJSON("POST /subscription/"+verb, res.Raw)
		if err == nil {
			err = writeJSON(r.io.Out, raw)
		}
		if err != nil {
			return err
		}
	} else if err := t.write(r.io.Out); err != nil {
		return err
	}
	if n := len(failures) + len(strays); n > 0 {
		if len(ids) == 1 {
			return fmt.Errorf("the request could not be %s", done)
		}
		return fmt.Errorf("%d of %d requests could not be %s", n, len(ids), done)
	}
	return nil
}

// stillPending reads the pending list after an approval and returns, for
// each id approved that is still there, the approvals it waits on. A read
// that fails is a warning: the approvals themselves were carried out.
func (r *run) stillPending(ids []int64, failures map[int64]apiclient.DecisionFailure) map[int64]string {
	want := map[int64]bool{}
	for _, id := range ids {
		if _, failed := failures[id]; !failed {
			want[id] = true
		}
	}
	out := map[int64]string{}
	for req, err := range r.env.Client.AllPendingRequests(r.ctx, apiclient.PendingOptions{Size: 100}) {
		if err != nil {
			fmt.Fprintf(r.io.Err, "warning: could not read the pending requests back (%s): a request that needs more than one approval may still be pending; check with: dsbrowse requests\n", describe(err, r.env.Target.TenantURL))
			return out
		}
		if want[req.ID] {
			out[req.ID] = waitingOn(req)
		}
	}
	return out
}

// failureText is the server's reason, with whom and what it was about.
func failureText(f apiclient.DecisionFailure) string {
	s := orDefault(f.ErrorMessage, "the server refused it")
	var about []string
	if f.Entity.Name != "" {
		about = append(about, f.Entity.Name)
	}
	if f.Model.Name != "" {
		about = append(about, "on "+f.Model.Name)
	}
	if len(about) > 0 {
		s += " (" + strings.Join(about, " ") + ")"
	}
	return s
}

// --- members ----------------------------------------------------------------------

// accessCommandGroup stands for "access set" and "access add": lookup sends
// "access set ..." and "access add ..." there, and every other "access ..."
// to the listing.
var accessSetCommand = &command{
	name:    "access set",
	args:    "ID ACCESS_ID [--state STATE] [--expires DATE] [--yes] [--json]",
	summary: "change a member's access level or expiry on a data source",
	detail: `ACCESS_ID is the member's ACCESS_ID from dsbrowse access ID. STATE is one of
subscribed, expert, owner, ingest, or denied (which revokes: it asks first,
as dsbrowse revoke does). --expires sets when the access ends (YYYY-MM-DD,
midnight UTC, or an RFC 3339 time); given alone, only the expiry changes.
The member is looked up first; nothing is sent when it is not on the
source's access list.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var state, expires string
		var yes, asJSON bool
		fs.StringVar(&state, "state", "", "the new access level `STATE`: "+strings.Join(setStates, ", "))
		fs.StringVar(&expires, "expires", "", "the access ends on `DATE` (YYYY-MM-DD or RFC 3339)")
		fs.BoolVar(&yes, "yes", false, "do not ask before revoking (--state denied)")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON answer (the outcome line goes to stderr)")
		return func(r *run, args []string) error {
			const cmd = "access set"
			if err := wantArgs(cmd, args, 2, "ID ACCESS_ID"); err != nil {
				return err
			}
			id, err := parseID(cmd, "ID", args[0])
			if err != nil {
				return err
			}
			accessID, err := parseID(cmd, "ACCESS_ID", args[1])
			if err != nil {
				return err
			}
			if state == "" && expires == "" {
				return usagef(cmd, "want --state STATE (%s), --expires DATE, or both", strings.Join(setStates, ", "))
			}
			if state != "" {
				if err := oneOf(cmd, "--state", []string{state}, setStates...); err != nil {
					return err
				}
			}
			exp, err := parseExpires(cmd, expires)
			if err != nil {
				return err
			}
			return r.setAccess(id, accessID, apiclient.AccessChange{State: state, Expiration: exp}, yes, asJSON)
		}
	},
}

var revokeCommand = &command{
	name:    "revoke",
	args:    "ID ACCESS_ID [--yes] [--json]",
	summary: "revoke a member's access to a data source",
	detail: `ACCESS_ID is the member's ACCESS_ID from dsbrowse access ID. The member is
looked up first (nothing is sent when it is not there), then revoke asks
on the terminal, naming the member and the source (default no); without a
terminal it refuses unless --yes is given. It sends one PUT with the state
denied. On a protected profile the profile name is asked for too.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var yes, asJSON bool
		fs.BoolVar(&yes, "yes", false, "do not ask (needed when stdin is not a terminal)")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON answer (the outcome line goes to stderr)")
		return func(r *run, args []string) error {
			if err := wantArgs("revoke", args, 2, "ID ACCESS_ID"); err != nil {
				return err
			}
			id, err := parseID("revoke", "ID", args[0])
			if err != nil {
				return err
			}
			accessID, err := parseID("revoke", "ACCESS_ID", args[1])
			if err != nil {
				return err
			}
			return r.setAccess(id, accessID, apiclient.AccessChange{State: "denied"}, yes, asJSON)
		}
	},
}

// findMember walks source id's access list for the entry with accessID.
func (r *run) findMember(id, accessID int64) (*apiclient.AccessUser, error) {
	for u, err := range r.env.Client.AllAccess(r.ctx, id, apiclient.AccessOptions{Size: pageBound(r.env.Target)}) {
		if err != nil {
			return nil, notFound(err, "data source %d", id)
		}
		if u.SubscriptionID == accessID {
			return &u, nil
		}
	}
	return nil, fmt.Errorf("data source %d has no member with ACCESS_ID %d (see dsbrowse access %d): nothing was sent", id, accessID, id)
}

// memberLabel names a member for prompts and messages: "Tommy Test
// <tommy@x> (user 3)".
func memberLabel(u *apiclient.AccessUser) string {
	s := orDefault(u.Name, "member")
	if u.Email != "" && u.Email != u.Name {
		s += " <" + u.Email + ">"
	}
	return safe.Line(s) + fmt.Sprintf(" (%s %d)", orDefault(u.Type, "user"), memberID(u))
}

func (r *run) sourceLabel(id int64) (string, error) {
	d, err := r.env.Client.GetDataSource(r.ctx, id)
	if err != nil {
		return "", notFound(err, "data source %d", id)
	}
	return fmt.Sprintf("%s (%d)", safe.Line(orDefault(d.Name, "data source")), id), nil
}

func (r *run) setAccess(id, accessID int64, ch apiclient.AccessChange, yes, asJSON bool) error {
	if err := r.writeGate(); err != nil {
		return err
	}
	src, err := r.sourceLabel(id)
	if err != nil {
		return err
	}
	m, err := r.findMember(id, accessID)
	if err != nil {
		return err
	}
	who := memberLabel(m)
	if ch.State == "denied" {
		what := fmt.Sprintf("the %s access of %s to %s", orDefault(m.State, "current"), who, src)
		if yes {
			fmt.Fprintf(r.io.Err, "Revoking %s.\n", what)
		} else {
			if !r.interactive() {
				return fmt.Errorf("refusing to revoke access %d on data source %d: stdin is not a terminal, so nobody can confirm; pass --yes", accessID, id)
			}
			got, err := r.readLine("Revoke " + what + "? [y/N] ")
			if err != nil {
				return err
			}
			if a := strings.ToLower(strings.TrimSpace(got)); a != "y" && a != "yes" {
				return errors.New("cancelled")
			}
		}
	}
	if err := r.confirmProtected("change access"); err != nil {
		return err
	}
	call := fmt.Sprintf("PUT /dataSource/%d/access/%d", id, accessID)
	ans, err := r.env.Client.SetAccess(r.ctx, id, accessID, ch)
	if err != nil {
		return r.writeFailed(notFound(err, "data source %d or access %d", id, accessID), "changed the access of "+who, fmt.Sprintf("dsbrowse access %d", id))
	}
	report := r.io.Out
	if asJSON {
		raw, err := serverJSON(call, ans.Raw)
		if err == nil {
			err = writeJSON(r.io.Out, raw)
		}
		if err != nil {
			return fmt.Errorf("%w: the change was accepted, but --json has nothing to print; check with: dsbrowse access %d", err, id)
		}
		report = r.io.Err // stdout holds only the server's JSON
	}
	// Told from the answer (the entry as it is now, where the server
	// sends it): the state and expiry it names win over what was asked.
	got := answerOf(ans)
	switch {
	case ch.State != "" && got.State != "" && !strings.EqualFold(got.State, ch.State):
		return fmt.Errorf("the server's answer to %s says %s, not %s; check with: dsbrowse access %d", call, safe.Line(got.State), ch.State, id)
	case ch.State == "denied":
		_, err = fmt.Fprintf(report, "Revoked the access of %s to %s.\n", who, src)
		return err
	}
	state := orDefault(got.State, ch.State)
	msg := fmt.Sprintf("Changed the access of %s to %s", who, src)
	if state != "" {
		msg = fmt.Sprintf("%s now has %s access to %s", who, safe.Line(state), src)
	}
	switch {
	case got.Expiration != "":
		msg += " until " + safe.Line(got.Expiration)
	case ch.Expiration != nil:
		msg += " until " + ch.Expiration.UTC().Format(time.RFC3339)
	}
	_, err = fmt.Fprintln(report, msg+".")
	return err
}

// writeAnswer is what an untyped write answer may say about the entry.
type writeAnswer struct {
	State      string `json:"state"`
	Expiration string `json:"expiration"`
}

// answerOf reads a write's answer leniently: zero fields when it says
// nothing readable.
func answerOf(a *apiclient.WriteAnswer) writeAnswer {
	var v writeAnswer
	if a != nil {
		var loose struct {
			State      json.RawMessage `json:"state"`
			Expiration json.RawMessage `json:"expiration"`
		}
		if json.Unmarshal(a.Raw, &loose) == nil {
			_ = json.Unmarshal(loose.State, &v.State)
			_ = json.Unmarshal(loose.Expiration, &v.Expiration)
		}
	}
	return v
}

var accessAddCommand = &command{
	name:    "access add",
	args:    "ID (--user PROFILE|EMAIL|NAME | --group GROUP) --state STATE [--expires DATE]",
	summary: "give a user or a group access to a data source",
	detail: `--user takes a profile id, or an email or name that is looked up on the
source's access list (groups expanded): it must match one user exactly,
else the candidates are listed and nothing is sent. --group takes a group
id, or a group name on the source's access list. STATE is one of
subscribed, expert, owner, ingest.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var user, group, state, expires string
		var asJSON bool
		fs.StringVar(&user, "user", "", "the user: profile `ID`, email or name")
		fs.StringVar(&group, "group", "", "the group: `ID` or name")
		fs.StringVar(&state, "state", "", "the access level `STATE`: "+strings.Join(memberStates, ", ")+" (required)")
		fs.StringVar(&expires, "expires", "", "the access ends on `DATE` (YYYY-MM-DD or RFC 3339)")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			const cmd = "access add"
			if err := wantArgs(cmd, args, 1, "ID"); err != nil {
				return err
			}
			id, err := parseID(cmd, "ID", args[0])
			if err != nil {
				return err
			}
			if (user == "") == (group == "") {
				return usagef(cmd, "want exactly one of --user and --group")
			}
			if state == "" {
				return usagef(cmd, "--state STATE is required (%s)", strings.Join(memberStates, ", "))
			}
			if err := oneOf(cmd, "--state", []string{state}, memberStates...); err != nil {
				return err
			}
			exp, err := parseExpires(cmd, expires)
			if err != nil {
				return err
			}
			if err := r.writeGate(); err != nil {
				return err
			}
			req := apiclient.AddAccessRequest{State: state, Expiration: exp}
			var who string
			if user != "" {
				req.ProfileID, who, err = r.resolveUser(cmd, id, user)
			} else {
				req.GroupID, who, err = r.resolveGroup(cmd, id, group)
			}
			if err != nil {
				return err
			}
			src, err := r.sourceLabel(id)
			if err != nil {
				return err
			}
			if err := r.confirmProtected("add access"); err != nil {
				return err
			}
			ans, err := r.env.Client.AddAccess(r.ctx, id, req)
			if err != nil {
				return r.writeFailed(notFound(err, "data source %d", id), "given "+who+" access", fmt.Sprintf("dsbrowse access %d", id))
			}
			if asJSON {
				raw, err := serverJSON(fmt.Sprintf("POST /dataSource/%d/access", id), ans.Raw)
				if err == nil {
					err = writeJSON(r.io.Out, raw)
				}
				return err
			}
			msg := fmt.Sprintf("Gave %s %s access to %s", who, state, src)
			if got := answerOf(ans).State; got != "" && !strings.EqualFold(got, state) {
				// Access that needs approval comes back pending.
				msg = fmt.Sprintf("Asked for %s access to %s for %s; the server says: %s", state, src, who, safe.Line(got))
			}
			if exp != nil {
				msg += " until " + exp.UTC().Format(time.RFC3339)
			}
			_, err = fmt.Fprintln(r.io.Out, msg+".")
			return err
		}
	},
}

// --- who is meant ----------------------------------------------------------------------

// maxCandidates bounds the members looked at, and listed, when a name or
// email is resolved.
const (
	maxLookup     = 5000
	maxCandidates = 10
)

// resolveUser turns --user into a profile id: a number is one; an email or
// name must match exactly one user on source id's access list (groups
// expanded, searched with searchText). It returns the id and a label.
func (r *run) resolveUser(cmd string, id int64, s string) (int64, string, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return 0, "", usagef(cmd, "--user must be a positive profile id, an email or a name, not %q", s)
		}
		return n, fmt.Sprintf("user %d", n), nil
	}
	if s == "" {
		return 0, "", usagef(cmd, "--user is empty")
	}
	return r.resolveMember(id, s, "user", apiclient.AccessOptions{SearchText: s, ExpandGroups: true})
}

// resolveGroup turns --group into a group id, like resolveUser, from the
// groups on source id's access list.
func (r *run) resolveGroup(cmd string, id int64, s string) (int64, string, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return 0, "", usagef(cmd, "--group must be a positive group id or a group name, not %q", s)
		}
		return n, fmt.Sprintf("group %d", n), nil
	}
	if s == "" {
		return 0, "", usagef(cmd, "--group is empty")
	}
	return r.resolveMember(id, s, "group", apiclient.AccessOptions{SearchText: s, MemberTypes: []string{"group"}})
}

func (r *run) resolveMember(id int64, s, kind string, o apiclient.AccessOptions) (int64, string, error) {
	type cand struct {
		id          int64
		name, email string
	}
	var exact, near []cand
	seen := map[int64]bool{}
	o.Size = 200
	n := 0
	for u, err := range r.env.Client.AllAccess(r.ctx, id, o) {
		if err != nil {
			return 0, "", notFound(err, "data source %d", id)
		}
		if n++; n > maxLookup {
			break
		}
		// A member by policy is a user too (the policy let them in).
		if isGroup := strings.EqualFold(u.Type, "group"); isGroup != (kind == "group") {
			continue
		}
		mid := memberID(&u)
		if mid <= 0 || seen[mid] {
			continue
		}
		seen[mid] = true
		c := cand{mid, u.Name, u.Email}
		if strings.EqualFold(u.Email, s) || strings.EqualFold(u.Name, s) || strings.EqualFold(u.UserID, s) {
			exact = append(exact, c)
		} else {
			near = append(near, c)
		}
	}
	list := func(cs []cand) string {
		var parts []string
		for i, c := range cs {
			if i == maxCandidates {
				parts = append(parts, fmt.Sprintf("and %d more", len(cs)-i))
				break
			}
			p := orDefault(c.name, "?")
			if c.email != "" && c.email != c.name {
				p += " <" + c.email + ">"
			}
			parts = append(parts, fmt.Sprintf("%s (%s %d)", p, kind, c.id))
		}
		return strings.Join(parts, "; ")
	}
	switch {
	case len(exact) == 1:
		c := exact[0]
		label := orDefault(c.name, c.email)
		if c.email != "" && c.email != c.name {
			label += " <" + c.email + ">"
		}
		return c.id, safe.Line(label) + fmt.Sprintf(" (%s %d)", kind, c.id), nil
	case len(exact) > 1:
		return 0, "", fmt.Errorf("%q matches %d %ss on data source %d's access list: %s; give the %s id", s, len(exact), kind, id, list(exact), kind)
	case len(near) > 0:
		return 0, "", fmt.Errorf("no %s on data source %d's access list is exactly %q; close matches: %s; give the %s id or the exact email or name", kind, id, s, list(near), kind)
	}
	return 0, "", fmt.Errorf("no %s matching %q is on data source %d's access list; give the %s id", kind, s, id, kind)
}

// member is what an access entry says beyond apiclient.AccessUser's
// fields, read from its raw JSON in one pass.
type member struct {
	id         int64  // the group's id for a group entry, else the profile
	expiration string // "" when none
	via        string // the group it comes through, under expandGroups
}

// memberOf reads u's raw entry. Where a group entry puts its id is not
// described by the API: "group" (a number or {"id"}), "groupId" and "id"
// are tried. The seed entry has no "expiration"; newer tenants send it.
func memberOf(u *apiclient.AccessUser) member {
	m := member{id: u.Profile}
	var v struct {
		Group      json.RawMessage `json:"group"`
		GroupID    json.RawMessage `json:"groupId"`
		ID         json.RawMessage `json:"id"`
		Expiration json.RawMessage `json:"expiration"`
		ViaGroup   json.RawMessage `json:"viaGroup"`
	}
	if json.Unmarshal(u.Raw, &v) != nil {
		return m
	}
	_ = json.Unmarshal(v.Expiration, &m.expiration)
	var via struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(v.ViaGroup, &via) == nil {
		m.via = via.Name
	}
	if u.Type == "group" || u.Profile == 0 {
		var obj struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(v.Group, &obj) == nil && obj.ID != nil {
			v.Group = obj.ID
		}
		for _, raw := range []json.RawMessage{v.Group, v.GroupID, v.ID} {
			if n, ok := jsonInt(raw); ok && n > 0 {
				m.id = n
				break
			}
		}
	}
	return m
}

func memberID(u *apiclient.AccessUser) int64 { return memberOf(u).id }

// jsonInt reads a number sent as a number or a string.
func jsonInt(raw json.RawMessage) (int64, bool) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// --- unsubscribe ------------------------------------------------------------------------

var unsubscribeCommand = &command{
	name:    "unsubscribe",
	args:    "ID... [--json]",
	summary: "unsubscribe yourself from data sources, or withdraw a pending request",
	detail: `Reads each source, then sends one DELETE /dataSource/ID/unsubscribe per ID,
in order, and prints one line per ID: unsubscribed, request withdrawn (the
source's request was pending), or the error. A source you own is refused
and nothing is sent for it. Exits 1 when any failed. --json
prints an array of {"dataSourceId": ID, "answer": <the server's answer>}
for the ones that succeeded.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var asJSON bool
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			ids, err := parseIDs("unsubscribe", "ID", args)
			if err != nil {
				return err
			}
			if err := r.writeGate(); err != nil {
				return err
			}
			if err := r.confirmProtected("unsubscribe"); err != nil {
				return err
			}
			type answer struct {
				ID     int64           `json:"dataSourceId"`
				Answer json.RawMessage `json:"answer"`
			}
			answers := []answer{}
			t := &outcomes{}
			failed := 0
			for i, id := range ids {
				// The state before says what the call does: a pending
				// request is withdrawn; an owner cannot leave this way.
				// A read that fails leaves it to the server.
				wasPending := false
				if d, rerr := r.env.Client.GetDataSource(r.ctx, id); rerr == nil && d != nil {
					switch strings.ToLower(strings.TrimSpace(d.SubscriptionStatus)) {
					case "owner":
						failed++
						// The TUI's line (actions.OwnerCannotUnsubscribe).
						line := "you own " + safe.Line(d.Name) + ": an owner cannot unsubscribe"
						t.add(strconv.FormatInt(id, 10), "error: "+line)
						if asJSON {
							fmt.Fprintf(r.io.Err, "error: data source %d: %s\n", id, line)
						}
						continue
					case "pending":
						wasPending = true
					}
				}
				ans, err := r.env.Client.Unsubscribe(r.ctx, id)
				if err == nil {
					raw := json.RawMessage("null")
					if ans != nil && json.Valid(ans.Raw) {
						raw = ans.Raw
					}
					answers = append(answers, answer{id, raw})
					// The answer is untyped: the source read back tells.
					result := "unsubscribed"
					if wasPending {
						result = "request withdrawn"
					}
					if d, rerr := r.env.Client.GetDataSource(r.ctx, id); rerr != nil {
						result += " (could not read the source back: " + describe(rerr, r.env.Target.TenantURL) + ")"
					} else if st := d.SubscriptionStatus; slices.Contains(memberStates, st) || wasPending && st == "pending" {
						failed++
						result = "error: the server accepted it, but you are still " + safe.Line(st)
					}
					t.add(strconv.FormatInt(id, 10), result)
					continue
				}
				failed++
				err = r.writeFailed(notFound(err, "data source %d", id), fmt.Sprintf("unsubscribed you from %d", id), fmt.Sprintf("dsbrowse get %d", id))
				t.add(strconv.FormatInt(id, 10), "error: "+describe(err, r.env.Target.TenantURL))
				if asJSON {
					// stdout holds only the answers: the reason goes here.
					fmt.Fprintf(r.io.Err, "error: data source %d: %s\n", id, describe(err, r.env.Target.TenantURL))
				}
				if r.ctx.Err() != nil || errors.Is(err, apiclient.ErrReadOnly) {
					// Interrupted: the rest are not sent, and say so.
					for _, rest := range ids[i+1:] {
						t.add(strconv.FormatInt(rest, 10), "not sent")
						failed++
					}
					break
				}
			}
			if err := r.writeOutcomes(asJSON, answers, t); err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d unsubscribes failed", failed, len(ids))
			}
			return nil
		}
	},
}

// outcomes is the ID / RESULT table of a write on several ids. Unlike a
// table it never clips the result: the server's reason is the point.
type outcomes struct{ rows [][2]string }

func (o *outcomes) add(id, result string) { o.rows = append(o.rows, [2]string{id, result}) }

func (o *outcomes) write(w io.Writer) error {
	width := len("ID")
	for _, r := range o.rows {
		width = max(width, len(r[0]))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s  RESULT\n", width, "ID")
	for _, r := range o.rows {
		fmt.Fprintf(&b, "%-*s  %s\n", width, r[0], safe.Line(r[1]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
