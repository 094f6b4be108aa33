package cli

// End-to-end tests of the governance commands (requests, approve, deny,
// access set/add, revoke, unsubscribe, access-report, --user by email or
// name): the built binary against the emulator on loopback.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// writesTo counts the writes (POST, PUT, DELETE) the emulator saw whose
// method is method and whose path starts with prefix.
func writesTo(srv *immutatest.Server, method, prefix string) []immutatest.Request {
	var out []immutatest.Request
	for _, q := range srv.Handler.Requests() {
		if q.Method == method && strings.HasPrefix(q.Path, prefix) {
			out = append(out, q)
		}
	}
	return out
}

// anyWrites is every POST, PUT and DELETE the emulator saw.
func anyWrites(srv *immutatest.Server) []immutatest.Request {
	var out []immutatest.Request
	for _, q := range srv.Handler.Requests() {
		if q.Method != http.MethodGet {
			out = append(out, q)
		}
	}
	return out
}

// outcomeLines reads an ID / RESULT listing into id -> result.
func outcomeLines(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, l := range rows(out) {
		id, result, _ := strings.Cut(l, " ")
		m[id] = strings.TrimSpace(result)
	}
	return m
}

func idsOf(t *testing.T, objs []map[string]any, key string) []string {
	t.Helper()
	var out []string
	for _, o := range objs {
		out = append(out, strconv.FormatInt(num(o[key]), 10))
	}
	return out
}

// pendingSteps is how many approvals a request (as --json shows it) still
// waits for.
func pendingSteps(req map[string]any) int {
	n := 0
	as, _ := req["approvals"].([]any)
	for _, a := range as {
		if m, ok := a.(map[string]any); ok && m["state"] != "approved" {
			n++
		}
	}
	return n
}

func TestRequestsApproveDeny(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 20})
	all := jsonArray(t, r.ok("requests", "--json").out)
	// Requests one approval settles, so that approving takes them off.
	var one []map[string]any
	for _, q := range all {
		if q["model"].(map[string]any)["type"] != "datasource" {
			t.Fatalf("requests lists a non-datasource: %v", q)
		}
		if pendingSteps(q) == 1 {
			one = append(one, q)
		}
	}
	if len(one) < 6 {
		t.Fatalf("want at least 6 one-step requests, have %d of %d", len(one), len(all))
	}
	a, b, c, d, e := idsOf(t, one[:1], "id")[0], idsOf(t, one[1:2], "id")[0], idsOf(t, one[2:3], "id")[0], idsOf(t, one[3:4], "id")[0], idsOf(t, one[4:5], "id")[0]

	plain := r.ok("requests")
	if !strings.HasPrefix(plain.out, "ID ") || !strings.Contains(plain.out, "WAITING_ON") || len(rows(plain.out)) != len(all) {
		t.Fatalf("requests table (%d requests):\n%s", len(all), plain.out)
	}
	if got := len(rows(r.ok("requests", "--limit", "3").out)); got != 3 {
		t.Errorf("--limit 3 printed %d rows", got)
	}

	// Approve two in one call, with an expiry.
	srv.Handler.ResetLog()
	res := r.ok("approve", a, b, "--expires", "2030-01-31")
	if got := outcomeLines(t, res.out); got[a] != "approved" || got[b] != "approved" || len(got) != 2 {
		t.Errorf("approve outcomes %v:\n%s", got, res)
	}
	posts := writesTo(srv, "POST", "/subscription/approve")
	if len(posts) != 1 || len(anyWrites(srv)) != 1 {
		t.Fatalf("approve sent %d approve calls, %d writes in all: %+v", len(posts), len(anyWrites(srv)), anyWrites(srv))
	}
	for _, want := range []string{a, b, `"expiration":"2030-01-31T00:00:00Z"`} {
		if !strings.Contains(posts[0].Body, want) {
			t.Errorf("approve body %s lacks %s", posts[0].Body, want)
		}
	}

	// Deny needs a reason: without one nothing is sent.
	srv.Handler.ResetLog()
	r.fails(2, "--reason TEXT is required", "deny", c)
	r.fails(2, "--reason TEXT is required", "deny", c, "--reason", "   ")
	if w := anyWrites(srv); len(w) != 0 {
		t.Fatalf("deny without a reason sent %+v", w)
	}
	res = r.ok("deny", c, "--reason", "not needed for this role")
	if got := outcomeLines(t, res.out); got[c] != "denied" {
		t.Errorf("deny outcome %v", got)
	}
	denies := writesTo(srv, "POST", "/subscription/deny")
	if len(denies) != 1 || !strings.Contains(denies[0].Body, `"denialReasoning":"not needed for this role"`) {
		t.Fatalf("deny calls: %+v", denies)
	}

	// The decided requests are gone from the list.
	left := idsOf(t, jsonArray(t, r.ok("requests", "--json").out), "id")
	for _, id := range []string{a, b, c} {
		if slices.Contains(left, id) {
			t.Errorf("request %s is still pending after its decision", id)
		}
	}
	if len(left) != len(all)-3 {
		t.Errorf("%d requests left of %d, want 3 fewer", len(left), len(all))
	}
	if strings.Contains(r.ok("requests").out, a) {
		t.Errorf("the table still lists %s", a)
	}

	// A failure is printed next to its id, the rest is carried out, exit 1.
	srv.Handler.ResetLog()
	res = r.run("approve", d, "999999")
	got := outcomeLines(t, res.out)
	if res.code != 1 || got[d] != "approved" || !strings.HasPrefix(got["999999"], "error: ") || len(got["999999"]) < len("error: x") {
		t.Errorf("partial approve: %v\n%s", got, res)
	}
	if !strings.Contains(res.err, "1 of 2 requests could not be approved") || len(writesTo(srv, "POST", "/subscription/approve")) != 1 {
		t.Errorf("partial approve: %s", res)
	}
	// One request: said in the singular.
	if one := r.run("approve", "999999"); one.code != 1 || !strings.Contains(one.err, "the request could not be approved") || strings.Contains(one.err, "1 of 1") {
		t.Errorf("approve of one unknown request: %s", one)
	}
	js := jsonObject(t, r.ok("deny", e, "--reason", "no", "--json").out)
	if _, ok := js["failures"]; !ok {
		t.Errorf("deny --json is not the server's answer: %v", js)
	}

	// Read-only refuses before anything is sent.
	srv.Handler.ResetLog()
	r.fails(1, "read-only", "--read-only", "approve", d)
	r.fails(1, "read-only", "--read-only", "deny", d, "--reason", "x")
	if w := anyWrites(srv); len(w) != 0 {
		t.Fatalf("read-only sent %+v", w)
	}
	r.fails(2, "missing arguments", "approve")
	r.fails(2, "positive number", "approve", "abc")
	r.fails(2, "--expires", "approve", d, "--expires", "next tuesday")
	if w := anyWrites(srv); len(w) != 0 {
		t.Fatalf("bad arguments sent %+v", w)
	}
}

func TestRequestsFilters(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 20})
	all := jsonArray(t, r.ok("requests", "--json").out)
	if len(all) == 0 {
		t.Fatal("no requests")
	}
	src := all[0]["model"].(map[string]any)
	srcID := strconv.FormatInt(num(src["id"]), 10)

	srv.Handler.ResetLog()
	mine := jsonArray(t, r.ok("requests", "--source", srcID, "--json").out)
	want := 0
	for _, q := range all {
		if num(q["model"].(map[string]any)["id"]) == num(src["id"]) {
			want++
		}
	}
	if len(mine) != want {
		t.Errorf("--source %s: %d requests, want %d", srcID, len(mine), want)
	}
	for _, q := range mine {
		if num(q["model"].(map[string]any)["id"]) != num(src["id"]) {
			t.Errorf("--source %s listed %v", srcID, q["model"])
		}
	}
	found := false
	for _, q := range srv.Handler.Requests() {
		found = found || (q.Path == "/subscription/getPendingRequestsForUser" && strings.Contains(q.Query, "modelName="))
	}
	if !found {
		t.Error("--source did not ask the server by modelName")
	}

	// An email finds that requester only.
	email := all[0]["entity"].(map[string]any)["email"].(string)
	byEmail := jsonArray(t, r.ok("requests", "--search", email, "--json").out)
	if len(byEmail) == 0 {
		t.Fatalf("--search %s found nothing", email)
	}
	for _, q := range byEmail {
		if !strings.EqualFold(q["entity"].(map[string]any)["email"].(string), email) {
			t.Errorf("--search %s listed %v", email, q["entity"])
		}
	}
	// A name: the requester's name or the source's.
	name := src["name"].(string)
	byName := jsonArray(t, r.ok("requests", "--search", name, "--json").out)
	if len(byName) < want {
		t.Errorf("--search %q: %d requests, the source alone has %d", name, len(byName), want)
	}
	none := r.ok("requests", "--search", "no-such-requester-anywhere")
	if none.out != "" || !strings.Contains(none.err, "no pending requests") {
		t.Errorf("no match: %s", none)
	}
	r.fails(1, "data source 999999 not found", "requests", "--source", "999999")
}

func TestAccessFilters(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 40})
	id := strconv.Itoa(immutatest.IDWebSales)
	srv.Handler.ResetLog()
	res := r.ok("access", id, "--state", "owner", "--state", "expert", "--type", "user", "--sort", "name", "--desc", "--search", "a", "--limit", "5")
	if !strings.HasPrefix(res.out, "ACCESS_ID ") || !strings.Contains(res.out, "EXPIRES") {
		t.Errorf("header:\n%s", res.out)
	}
	q := srv.Handler.Requests()[0].Query
	for _, want := range []string{"states=owner", "states=expert", "memberTypes=user", "sortField=name", "sortOrder=desc", "searchText=a", "size=5"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %q lacks %q", q, want)
		}
	}
	for _, u := range jsonArray(t, r.ok("access", id, "--state", "expert", "--json").out) {
		if u["state"] != "expert" {
			t.Errorf("--state expert listed %v", u["state"])
		}
	}
	// --sort alone asks ascending (the server's default is descending).
	srv.Handler.ResetLog()
	r.ok("access", id, "--sort", "email", "--limit", "1")
	if q := srv.Handler.Requests()[0].Query; !strings.Contains(q, "sortOrder=asc") {
		t.Errorf("--sort without --desc: %q", q)
	}

	// A source with groups: --expand-groups lists their members, marked.
	grouped := ""
	for _, s := range jsonArray(t, r.ok("ls", "--json").out) {
		sid := strconv.FormatInt(num(s["id"]), 10)
		if len(jsonArray(t, r.ok("access", sid, "--type", "group", "--json").out)) > 0 {
			grouped = sid
			break
		}
	}
	if grouped == "" {
		t.Fatal("no source with groups in the emulator")
	}
	groups := r.ok("access", grouped, "--type", "group")
	for _, l := range rows(groups.out) {
		f := strings.Fields(l)
		if f[1] == "0" || !strings.Contains(l, "group") {
			t.Errorf("group row without its id: %q", l)
		}
	}
	srv.Handler.ResetLog()
	exp := r.ok("access", grouped, "--expand-groups")
	if !strings.Contains(exp.out, " via ") || !strings.Contains(srv.Handler.Requests()[0].Query, "expandGroups=true") {
		t.Errorf("--expand-groups:\n%s", exp)
	}

	r.fails(2, `--state "pending"`, "access", id, "--state", "pending")
	r.fails(2, `--type "robot"`, "access", id, "--type", "robot")
	r.fails(2, `--sort "size"`, "access", id, "--sort", "size")
	none := r.ok("access", id, "--search", "no-such-member-anywhere")
	if none.out != "" || !strings.Contains(none.err, "no members of data source 16 match") {
		t.Errorf("no match: %s", none)
	}
}

// memberOn finds a member of source id (as access --json shows it) that is
// not the caller and has the state.
func memberOn(t *testing.T, r *runner, id, state string, skip ...string) map[string]any {
	t.Helper()
	for _, u := range jsonArray(t, r.ok("access", id, "--state", state, "--json", "--limit", "50").out) {
		sid := strconv.FormatInt(num(u["subscriptionId"]), 10)
		if num(u["profile"]) != immutatest.CallerProfile && num(u["subscriptionId"]) > 0 && !slices.Contains(skip, sid) {
			return u
		}
	}
	t.Fatalf("no %s member on source %s", state, id)
	return nil
}

func TestAccessSetRevokeAdd(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 5})
	id := strconv.Itoa(immutatest.IDWebSales) // the caller owns it
	u := memberOn(t, r, id, "subscribed")
	sid := strconv.FormatInt(num(u["subscriptionId"]), 10)
	email, name := u["email"].(string), u["name"].(string)
	profile := strconv.FormatInt(num(u["profile"]), 10)
	entry := func() map[string]any {
		for _, e := range jsonArray(t, r.ok("access", id, "--search", email, "--json").out) {
			if strconv.FormatInt(num(e["subscriptionId"]), 10) == sid {
				return e
			}
		}
		return nil
	}

	// Set a state and an expiry: one PUT, told from the answer.
	srv.Handler.ResetLog()
	res := r.ok("access", "set", id, sid, "--state", "expert", "--expires", "2031-05-01")
	if !strings.Contains(res.out, name) || !strings.Contains(res.out, "now has expert access to "+immutatest.NameWebSales+" (16) until 2031-05-01") {
		t.Errorf("access set: %s", res)
	}
	if e := entry(); e == nil || e["state"] != "expert" || !strings.HasPrefix(e["expiration"].(string), "2031-05-01") {
		t.Errorf("after access set: %v", e)
	}
	res = r.ok("access", "set", id, sid, "--expires", "2032-02-02T10:00:00Z")
	if !strings.Contains(res.out, "until 2032-02-02T10:00:00") {
		t.Errorf("expiry alone: %s", res)
	}
	if e := entry(); e == nil || e["state"] != "expert" || !strings.HasPrefix(e["expiration"].(string), "2032-02-02T10:00:00") {
		t.Errorf("after the new expiry: %v", e)
	}
	puts := writesTo(srv, "PUT", "/dataSource/16/access/")
	if len(puts) != 2 || len(anyWrites(srv)) != 2 || puts[0].Path != "/dataSource/16/access/"+sid ||
		!strings.Contains(puts[0].Body, `"state":"expert"`) || !strings.Contains(puts[0].Body, `"expiration":"2031-05-01T00:00:00Z"`) {
		t.Fatalf("PUTs: %+v", anyWrites(srv))
	}

	// Bad input sends nothing.
	srv.Handler.ResetLog()
	r.fails(2, "want --state STATE", "access", "set", id, sid)
	r.fails(2, `--state "admin"`, "access", "set", id, sid, "--state", "admin")
	r.fails(2, "--expires", "access", "set", id, sid, "--expires", "31/01/2030")
	r.fails(2, "missing arguments", "access", "set", id)
	r.fails(1, "has no member with ACCESS_ID 123", "access", "set", id, "123", "--state", "expert")
	r.fails(1, "read-only", "--read-only", "access", "set", id, sid, "--state", "owner")
	// Revoke asks; without a terminal and --yes it refuses.
	r.fails(1, "stdin is not a terminal", "revoke", id, sid)
	r.fails(1, "stdin is not a terminal", "access", "set", id, sid, "--state", "denied")
	r.fails(1, "read-only", "--read-only", "revoke", id, sid, "--yes")
	if w := anyWrites(srv); len(w) != 0 {
		t.Fatalf("refused writes were sent: %+v", w)
	}

	// Revoke: one PUT with denied; the member is gone.
	res = r.ok("revoke", id, sid, "--yes")
	if !strings.Contains(res.err, "Revoking the expert access of "+name) || !strings.Contains(res.out, "Revoked the access of "+name) || !strings.Contains(res.out, immutatest.NameWebSales+" (16)") {
		t.Errorf("revoke: %s", res)
	}
	puts = writesTo(srv, "PUT", "/dataSource/16/access/"+sid)
	if len(puts) != 1 || len(anyWrites(srv)) != 1 || !strings.Contains(puts[0].Body, `"state":"denied"`) {
		t.Fatalf("revoke writes: %+v", anyWrites(srv))
	}
	if e := entry(); e != nil {
		t.Errorf("still a member after revoke: %v", e)
	}
	// The same command again (a retrying script) sends nothing.
	r.fails(1, "has no member with ACCESS_ID "+sid, "revoke", id, sid, "--yes")
	if len(anyWrites(srv)) != 1 {
		t.Fatal("a second revoke was sent")
	}

	// Add them back by profile id: one POST.
	srv.Handler.ResetLog()
	res = r.ok("access", "add", id, "--user", profile, "--state", "subscribed", "--expires", "2030-12-31")
	if !strings.Contains(res.out, "user "+profile) || !strings.Contains(res.out, immutatest.NameWebSales) {
		t.Errorf("access add: %s", res)
	}
	posts := writesTo(srv, "POST", "/dataSource/16/access")
	if len(posts) != 1 || len(anyWrites(srv)) != 1 || !strings.Contains(posts[0].Body, `"profileId":`+profile) || !strings.Contains(posts[0].Body, `"state":"subscribed"`) {
		t.Fatalf("access add writes: %+v", anyWrites(srv))
	}
	found := false
	for _, e := range jsonArray(t, r.ok("access", id, "--search", email, "--json").out) {
		found = found || strconv.FormatInt(num(e["profile"]), 10) == profile
	}
	if !found {
		t.Error("the added user is not on the access list")
	}
	// By email now that they are on the list: resolved, sent once, and the
	// server's refusal (already a member) is the error.
	srv.Handler.ResetLog()
	r.fails(1, "conflict (409)", "access", "add", id, "--user", email, "--state", "subscribed")
	if posts := writesTo(srv, "POST", "/dataSource/16/access"); len(posts) != 1 || !strings.Contains(posts[0].Body, `"profileId":`+profile) {
		t.Fatalf("add by email: %+v", posts)
	}

	// Names and emails that do not name one user: candidates, nothing sent.
	srv.Handler.ResetLog()
	first := strings.Fields(name)[0]
	res = r.fails(1, "close matches: ", "access", "add", id, "--user", first, "--state", "subscribed")
	if !strings.Contains(res.err, "(user ") {
		t.Errorf("candidates not listed: %s", res)
	}
	r.fails(1, `no user matching "nobody@nowhere.example" is on data source 16's access list`, "access", "add", id, "--user", "nobody@nowhere.example", "--state", "subscribed")
	r.fails(2, "exactly one of --user and --group", "access", "add", id, "--state", "subscribed")
	r.fails(2, "exactly one of --user and --group", "access", "add", id, "--user", "1", "--group", "2", "--state", "subscribed")
	r.fails(2, "--state STATE is required", "access", "add", id, "--user", "1")
	r.fails(2, `--state "denied"`, "access", "add", id, "--user", "1", "--state", "denied")
	r.fails(1, "read-only", "--read-only", "access", "add", id, "--user", profile, "--state", "subscribed")
	if w := anyWrites(srv); len(w) != 0 {
		t.Fatalf("refused adds were sent: %+v", w)
	}
	// Two users of the same name: ambiguous, every one listed.
	seen := map[string]int{}
	dup := ""
	for _, e := range jsonArray(t, r.ok("access", id, "--json").out) {
		n, _ := e["name"].(string)
		if seen[n]++; seen[n] == 2 && dup == "" {
			dup = n
		}
	}
	if dup == "" {
		t.Fatal("no two members of Web Sales share a name")
	}
	res = r.fails(1, "matches 2 users", "access", "add", id, "--user", dup, "--state", "subscribed")
	if strings.Count(res.err, "(user ") != 2 {
		t.Errorf("ambiguous candidates: %s", res)
	}
	if w := anyWrites(srv); len(w) != 0 {
		t.Fatalf("an ambiguous add was sent: %+v", w)
	}

	// A group by id.
	res = r.ok("access", "add", id, "--group", "12", "--state", "subscribed")
	if posts := writesTo(srv, "POST", "/dataSource/16/access"); len(posts) != 1 || !strings.Contains(posts[0].Body, `"groupId":12`) {
		t.Fatalf("add a group: %+v\n%s", posts, res)
	}
	groups := jsonArray(t, r.ok("access", id, "--type", "group", "--json").out)
	if len(groups) != 1 || groups[0]["type"] != "group" || num(groups[0]["group"]) != 12 {
		t.Fatalf("groups after adding one: %v", groups)
	}
	// A group by name, from the access list: resolved to its id, sent
	// once, refused by the server (already a member).
	srv.Handler.ResetLog()
	r.fails(1, "conflict (409)", "access", "add", id, "--group", strings.ToUpper(groups[0]["name"].(string)), "--state", "expert")
	if posts := writesTo(srv, "POST", "/dataSource/16/access"); len(posts) != 1 || !strings.Contains(posts[0].Body, `"groupId":12`) {
		t.Fatalf("add a group by name: %+v", posts)
	}
	r.fails(1, `no group matching "no-such-group"`, "access", "add", id, "--group", "no-such-group", "--state", "expert")
}

func TestUserByEmailOrName(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{Sources: 5})
	id := strconv.Itoa(immutatest.IDWebSales)
	u := memberOn(t, r, id, "subscribed")
	email, name := u["email"].(string), u["name"].(string)
	profile := strconv.FormatInt(num(u["profile"]), 10)

	byID := r.ok("policy", id, "--user", profile)
	byEmail := r.ok("policy", id, "--user", strings.ToUpper(email))
	if byEmail.out != byID.out || !strings.Contains(byID.out, "User profile:") {
		t.Errorf("policy --user EMAIL differs from --user ID:\n%s\n%s", byEmail.out, byID.out)
	}
	if got := jsonArray(t, r.ok("visibility", id, "--user", email, "--json").out); len(got) == 0 {
		t.Error("visibility --user EMAIL --json: empty")
	}
	// The name, when nobody else has it.
	same := 0
	for _, e := range jsonArray(t, r.ok("access", id, "--search", name, "--json").out) {
		if strings.EqualFold(e["name"].(string), name) {
			same++
		}
	}
	if same == 1 {
		if got := r.ok("visibility", id, "--user", name).out; got != r.ok("visibility", id, "--user", profile).out {
			t.Errorf("visibility --user NAME differs from --user ID")
		}
	}
	r.fails(1, `no user matching "nobody@nowhere.example"`, "policy", id, "--user", "nobody@nowhere.example")
	r.fails(1, "close matches", "visibility", id, "--user", strings.Fields(name)[0])
	r.fails(2, "--user PROFILE is required", "policy", id)
}

func TestUnsubscribe(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 30})
	var subs []string
	for _, s := range jsonArray(t, r.ok("ls", "--subscription", "subscribed", "--json").out) {
		subs = append(subs, strconv.FormatInt(num(s["id"]), 10))
	}
	if len(subs) < 4 {
		t.Fatalf("want 4 subscribed sources, have %v", subs)
	}
	srv.Handler.ResetLog()
	res := r.ok("unsubscribe", subs[0], subs[1])
	if got := outcomeLines(t, res.out); got[subs[0]] != "unsubscribed" || got[subs[1]] != "unsubscribed" {
		t.Errorf("unsubscribe: %v\n%s", got, res)
	}
	dels := writesTo(srv, "DELETE", "/dataSource/")
	if len(dels) != 2 || len(anyWrites(srv)) != 2 || dels[0].Path != "/dataSource/"+subs[0]+"/unsubscribe" || dels[1].Path != "/dataSource/"+subs[1]+"/unsubscribe" {
		t.Fatalf("unsubscribe writes: %+v", anyWrites(srv))
	}
	if d := jsonObject(t, r.ok("get", subs[0], "--json").out); d["subscriptionStatus"] != "not_subscribed" {
		t.Errorf("after unsubscribe: %v", d["subscriptionStatus"])
	}

	// The owner is refused with the TUI's line and nothing is sent for it;
	// the other id still goes, exit 1.
	srv.Handler.ResetLog()
	res = r.run("unsubscribe", strconv.Itoa(immutatest.IDWebSales), subs[2])
	got := outcomeLines(t, res.out)
	if res.code != 1 || got[subs[2]] != "unsubscribed" || !strings.HasSuffix(got["16"], ": an owner cannot unsubscribe") || !strings.HasPrefix(got["16"], "error: you own ") {
		t.Errorf("owner: %v\n%s", got, res)
	}
	if dels := writesTo(srv, "DELETE", "/dataSource/"); !strings.Contains(res.err, "1 of 2 unsubscribes failed") || len(dels) != 1 || dels[0].Path != "/dataSource/"+subs[2]+"/unsubscribe" {
		t.Errorf("owner: %s", res)
	}

	// A pending request is withdrawn by the same call, and said so.
	pending := ""
	for _, s := range jsonArray(t, r.ok("ls", "--json").out) {
		if s["subscriptionStatus"] == "pending" {
			pending = strconv.FormatInt(num(s["id"]), 10)
			break
		}
	}
	if pending == "" {
		t.Fatal("no pending request in the emulator")
	}
	srv.Handler.ResetLog()
	if got := outcomeLines(t, r.ok("unsubscribe", pending).out); got[pending] != "request withdrawn" {
		t.Errorf("pending: %v", got)
	}
	if dels := writesTo(srv, "DELETE", "/dataSource/"); len(dels) != 1 || dels[0].Path != "/dataSource/"+pending+"/unsubscribe" {
		t.Errorf("pending: writes %+v", anyWrites(srv))
	}

	js := r.run("unsubscribe", subs[0], "--json")
	if arr := jsonArray(t, js.out); js.code != 1 || len(arr) != 0 || !strings.Contains(js.err, "error: data source "+subs[0]+": ") {
		t.Errorf("unsubscribe --json of one not subscribed: %s", js)
	}
	okJSON := jsonArray(t, r.ok("unsubscribe", subs[3], "--json").out)
	if len(okJSON) != 1 || strconv.FormatInt(num(okJSON[0]["dataSourceId"]), 10) != subs[3] || okJSON[0]["answer"] == nil {
		t.Errorf("unsubscribe --json: %v", okJSON)
	}

	srv.Handler.ResetLog()
	r.fails(1, "read-only", "--read-only", "unsubscribe", subs[0])
	r.fails(2, "missing arguments", "unsubscribe")
	if w := anyWrites(srv); len(w) != 0 {
		t.Fatalf("refused unsubscribes were sent: %+v", w)
	}
}

// The protected profile's prompt comes on every governance write, and
// without a terminal nothing is sent.
func TestGovernanceProtected(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 5})
	cfg := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.prod]\nurl = \""+srv.URL+"\"\napi_key_env = \"K\"\nprotected = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.env["K"] = srv.Handler.Key()
	u := memberOn(t, r, "16", "subscribed")
	sid := strconv.FormatInt(num(u["subscriptionId"]), 10)
	p := []string{"--config", cfg, "--profile", "prod"}
	// Reads are not asked about.
	r.ok(append(slices.Clone(p), "requests", "--limit", "1")...)
	srv.Handler.ResetLog()
	for _, args := range [][]string{
		{"approve", "1"}, {"deny", "1", "--reason", "x"}, {"unsubscribe", "22"},
		{"access", "set", "16", sid, "--state", "expert"}, {"revoke", "16", sid, "--yes"},
		{"access", "add", "16", "--user", "7", "--state", "subscribed"},
	} {
		r.fails(1, "profile prod is protected", append(slices.Clone(p), args...)...)
	}
	if w := anyWrites(srv); len(w) != 0 {
		t.Fatalf("protected writes were sent without the name: %+v", w)
	}
}

func TestAccessReport(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{Sources: 30})
	sources := jsonArray(t, r.ok("ls", "--limit", "12", "--json").out)
	type key struct{ src, member string }
	want := map[key]map[string]any{}
	var order []string
	for _, s := range sources {
		sid := strconv.FormatInt(num(s["id"]), 10)
		order = append(order, sid)
		for _, u := range jsonArray(t, r.ok("access", sid, "--json").out) {
			want[key{sid, strconv.FormatInt(memberIDOf(u), 10)}] = u
		}
	}
	if len(want) < 50 {
		t.Fatalf("only %d members in the first 12 sources", len(want))
	}

	path := filepath.Join(t.TempDir(), "report.csv")
	res := r.ok("access-report", "--limit", "12", "-o", path)
	if !strings.Contains(res.err, "wrote "+strconv.Itoa(len(want))+" rows from 12 data sources to "+path) || strings.Contains(res.err, "\r") {
		t.Errorf("access-report -o: %s", res)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"source_id", "source_name", "sql_table", "member_type", "member_id", "name", "email", "state", "approved", "expiration", "since"}
	if !slices.Equal(recs[0], header) {
		t.Fatalf("header %v", recs[0])
	}
	if len(recs)-1 != len(want) {
		t.Errorf("%d rows, want one per member: %d", len(recs)-1, len(want))
	}
	var seenOrder []string
	for _, rec := range recs[1:] {
		u, ok := want[key{rec[0], rec[4]}]
		if !ok {
			t.Errorf("row for a member not on the list: %v", rec)
			continue
		}
		if rec[5] != u["name"] || rec[6] != u["email"] || rec[7] != u["state"] || rec[3] != u["type"] || rec[8] != strconv.FormatBool(u["approved"] == true) || rec[10] != u["createdAt"] {
			t.Errorf("row %v for member %v", rec, u)
		}
		if len(seenOrder) == 0 || seenOrder[len(seenOrder)-1] != rec[0] {
			seenOrder = append(seenOrder, rec[0])
		}
	}
	// Each source's rows together, in list order.
	if !slices.Equal(seenOrder, slices.DeleteFunc(slices.Clone(order), func(id string) bool {
		for k := range want {
			if k.src == id {
				return false
			}
		}
		return true
	})) {
		t.Errorf("sources in the report %v, listed %v", seenOrder, order)
	}
	stdout := r.ok("access-report", "--limit", "12")
	if file, _ := os.ReadFile(path); stdout.out != string(file) {
		t.Error("stdout and -o differ")
	}

	js := jsonArray(t, r.ok("access-report", "--limit", "12", "--format", "json").out)
	if len(js) != len(want) || js[0]["sourceId"] == nil {
		t.Errorf("--format json: %d rows, want %d", len(js), len(want))
	}
	nd := r.ok("access-report", "--limit", "12", "--format", "ndjson").out
	lines := strings.Split(strings.TrimSuffix(nd, "\n"), "\n")
	if len(lines) != len(want) {
		t.Errorf("--format ndjson: %d lines, want %d", len(lines), len(want))
	}
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("ndjson line %q: %v", l, err)
		}
	}
	for _, rec := range readCSV(t, r.ok("access-report", "--limit", "12", "--state", "owner").out)[1:] {
		if rec[7] != "owner" {
			t.Errorf("--state owner wrote %v", rec)
		}
	}
	empty := r.ok("access-report", "--search", "no-such-source-anywhere", "--format", "json")
	if strings.TrimSpace(empty.out) != "[]" || !strings.Contains(empty.err, "no data sources match") {
		t.Errorf("empty report: %s", empty)
	}
	r.fails(2, `unknown format "xml"`, "access-report", "--format", "xml")
	r.fails(2, `--state "pending"`, "access-report", "--state", "pending")
	r.fails(2, "too many arguments", "access-report", "16")
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, s)
	}
	return recs
}

// memberIDOf is a member's id in an access --json entry: the group's for
// a group, else the profile.
func memberIDOf(u map[string]any) int64 {
	if u["type"] == "group" {
		return num(u["group"])
	}
	return num(u["profile"])
}

// A source whose members cannot be read is reported and left out; the
// others are written; exit 1.
func TestAccessReportFailingSource(t *testing.T) {
	h := immutatest.NewHandler(immutatest.Options{Sources: 5})
	failing := "/dataSource/" + strconv.Itoa(immutatest.IDPublicBarfoo) + "/access"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == failing {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"statusCode":403,"message":"no access list for you"}`))
			return
		}
		h.ServeHTTP(w, req)
	}))
	defer srv.Close()
	r := newRunner(t)
	r.env["IMMUTA_URL"] = srv.URL
	r.env["IMMUTA_API_KEY"] = h.Key()

	path := filepath.Join(t.TempDir(), "r.csv")
	res := r.fails(1, "1 of 17 data sources failed", "access-report", "-o", path)
	if !strings.Contains(res.err, "error: data source 22 (Public Barfoo): ") || !strings.Contains(res.err, "no access list for you") {
		t.Errorf("the failed source is not reported: %s", res)
	}
	recs := readCSV(t, mustRead(t, path))
	srcs := map[string]bool{}
	for _, rec := range recs[1:] {
		srcs[rec[0]] = true
	}
	if srcs["22"] || len(srcs) < 10 {
		t.Errorf("sources in the report: %v", srcs)
	}
	res = r.run("access-report", "--format", "json")
	if res.code != 1 || len(jsonArray(t, res.out)) != len(recs)-1 {
		t.Errorf("json with a failed source: %s", res)
	}

	// The list of sources itself failing (its second page): no file, exit 1.
	big := immutatest.NewHandler(immutatest.Options{Sources: 150})
	listFails := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/dataSource" && req.URL.Query().Get("offset") != "" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		big.ServeHTTP(w, req)
	}))
	defer listFails.Close()
	r.env["IMMUTA_URL"] = listFails.URL
	r.env["IMMUTA_API_KEY"] = big.Key()
	none := filepath.Join(t.TempDir(), "none.csv")
	r.fails(1, "listing the data sources stopped", "access-report", "-o", none)
	if _, err := os.Stat(none); !os.IsNotExist(err) {
		t.Errorf("a report was left after the source list failed: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(none))
	if len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Server strings in the report are made safe, like any text output.
func TestAccessReportHostile(t *testing.T) {
	evil := "\x1b[31mEVIL\x1b]0;pwn\x07\u202e"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch req.URL.Path {
		case "/dataSource":
			_ = json.NewEncoder(w).Encode(map[string]any{"count": 1, "hits": []any{map[string]any{"id": 1, "name": evil, "sqlTableName": "t\x9b"}}})
		case "/dataSource/1/access":
			_ = json.NewEncoder(w).Encode(map[string]any{"count": 1, "users": []any{map[string]any{"profile": 5, "name": evil, "email": "e\u2066@x", "type": "user", "state": "subscribed"}}})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	r := newRunner(t)
	r.env["IMMUTA_URL"] = srv.URL
	r.env["IMMUTA_API_KEY"] = "k-hostile-0123456789"
	for _, format := range []string{"csv", "json", "ndjson"} {
		res := r.ok("access-report", "--format", format)
		if bytes.ContainsAny([]byte(res.out), "\x1b\x07\u202e\u2066\u009b") {
			t.Errorf("--format %s printed a control character: %q", format, res.out)
		}
		if !strings.Contains(res.out, "EVIL") {
			t.Errorf("--format %s lost the name: %q", format, res.out)
		}
	}
	js := jsonArray(t, r.ok("access-report", "--format", "json").out)
	if js[0]["name"] != evil {
		t.Errorf("json changed the data: %q", js[0]["name"])
	}
}

func TestGovernanceHelp(t *testing.T) {
	r := newRunner(t)
	help := r.ok("--help").out
	for _, want := range []string{"requests", "approve", "deny", "revoke", "unsubscribe", "access-report", "access set", "access add"} {
		if !strings.Contains(help, "  "+want+" ") {
			t.Errorf("--help lacks %q:\n%s", want, help)
		}
	}
	for cmd, wants := range map[string][]string{
		"access":        {"--state STATE", "--type TYPE", "--expand-groups", "--sort FIELD", "access set", "access add"},
		"access set":    {"ID ACCESS_ID", "--state STATE", "--expires DATE", "denied"},
		"access add":    {"--user ID", "--group ID", "email or name"},
		"access-report": {"--format FORMAT", "-o FILE", "--expand-groups", "--search TEXT", "source_id"},
		"deny":          {"--reason TEXT", "(required)"},
		"revoke":        {"--yes"},
		"requests":      {"--source ID", "--search TEXT"},
		"policy":        {"email or name"},
		"visibility":    {"email or name"},
	} {
		out := r.ok(append(strings.Fields(cmd), "--help")...).out
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s --help lacks %q:\n%s", cmd, w, out)
			}
		}
	}
	if out := r.ok("help", "access", "set").out; !strings.Contains(out, "Usage: dsbrowse access set") {
		t.Errorf("help access set:\n%s", out)
	}
}

// A request that needs two approvals stays pending after the first, and
// approve says so from the list read back.
func TestApproveTwoSteps(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 300})
	var two string
	for _, q := range jsonArray(t, r.ok("requests", "--search", "Customer Assets", "--json").out) {
		if pendingSteps(q) == 2 {
			two = strconv.FormatInt(num(q["id"]), 10)
			break
		}
	}
	if two == "" {
		t.Fatal("no two-step request in the demo data")
	}
	srv.Handler.ResetLog()
	res := r.ok("approve", two)
	if got := outcomeLines(t, res.out)[two]; got != "approved; still pending, waiting on GOVERNANCE (First Last)" {
		t.Errorf("first approval: %q\n%s", got, res)
	}
	res = r.ok("approve", two)
	if got := outcomeLines(t, res.out)[two]; got != "approved" {
		t.Errorf("second approval: %q\n%s", got, res)
	}
	if n := len(writesTo(srv, "POST", "/subscription/approve")); n != 2 || len(anyWrites(srv)) != 2 {
		t.Errorf("%d approve calls for two approvals", n)
	}
	if slices.Contains(idsOf(t, jsonArray(t, r.ok("requests", "--json").out), "id"), two) {
		t.Errorf("request %s still pending after both approvals", two)
	}
}

// The demo's governance data: group requests, users who are members only
// through a group or a policy, found by email.
func TestGovernanceDemoData(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{Sources: 300})
	groupReqs := r.ok("requests", "--source", "331")
	if !strings.Contains(groupReqs.out, "vendor-analysts (group)") || !strings.Contains(groupReqs.out, "store-analysts (group)") {
		t.Errorf("group requests:\n%s", groupReqs)
	}

	// A user only in a group: found with the groups expanded.
	direct := map[int64]bool{}
	for _, u := range jsonArray(t, r.ok("access", "156", "--json").out) {
		direct[num(u["profile"])] = true
	}
	var via map[string]any
	for _, u := range jsonArray(t, r.ok("access", "156", "--expand-groups", "--json").out) {
		if u["viaGroup"] != nil && !direct[num(u["profile"])] {
			via = u
			break
		}
	}
	if via == nil {
		t.Fatal("no member of 156 only through a group")
	}
	res := r.ok("policy", "156", "--user", via["email"].(string))
	if !strings.Contains(res.out, "User profile:             "+strconv.FormatInt(num(via["profile"]), 10)) {
		t.Errorf("policy --user of a group member:\n%s", res)
	}

	// A member by policy is a user too.
	var pol map[string]any
	for _, u := range jsonArray(t, r.ok("access", "111", "--type", "policy", "--json").out) {
		pol = u
		break
	}
	if pol == nil {
		t.Fatal("no policy member on 111")
	}
	res = r.ok("visibility", "111", "--user", pol["email"].(string), "--json")
	if len(jsonArray(t, res.out)) == 0 {
		t.Errorf("visibility --user of a policy member: %s", res)
	}
}

// sql_table is schema.table, as the TUI's export writes it, though the
// list's hits carry only the schema: the table comes from the source.
func TestAccessReportSQLTableIsSchemaDotTable(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{Sources: 30})
	want := map[string]string{}
	for _, s := range jsonArray(t, r.ok("ls", "--limit", "6", "--json").out) {
		sid := strconv.FormatInt(num(s["id"]), 10)
		var d map[string]any
		if err := json.Unmarshal([]byte(r.ok("get", sid, "--json").out), &d); err != nil {
			t.Fatal(err)
		}
		schema, _ := d["sqlSchemaName"].(string)
		table, _ := d["sqlTableName"].(string)
		if schema != "" && table != "" {
			want[sid] = schema + "." + table
		}
	}
	if len(want) == 0 {
		t.Fatal("no source with a schema and a table in the first 6")
	}
	recs := readCSV(t, r.ok("access-report", "--limit", "6").out)
	checked := 0
	for _, rec := range recs[1:] {
		if _, ok := want[rec[0]]; !ok {
			continue
		}
		checked++
		if rec[2] != want[rec[0]] {
			t.Fatalf("source %s: sql_table %q, want %q", rec[0], rec[2], want[rec[0]])
		}
	}
	if checked == 0 {
		t.Fatal("no rows for a source with a table")
	}
}

// --pending and --approved ask the server for approved=false|true; --state
// pending points at --pending.
func TestAccessPendingApproved(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 40})
	id := ""
	for _, s := range jsonArray(t, r.ok("ls", "--json").out) {
		sid := strconv.FormatInt(num(s["id"]), 10)
		for _, u := range jsonArray(t, r.ok("access", sid, "--json").out) {
			if u["approved"] == false {
				id = sid
			}
		}
		if id != "" {
			break
		}
	}
	if id == "" {
		t.Fatal("no source with a pending entry in the emulator")
	}
	for _, c := range []struct {
		flag string
		want bool
	}{{"--pending", false}, {"--approved", true}} {
		srv.Handler.ResetLog()
		us := jsonArray(t, r.ok("access", id, c.flag, "--json").out)
		if q := srv.Handler.Requests()[0].Query; !strings.Contains(q, "approved="+strconv.FormatBool(c.want)) {
			t.Errorf("%s: query %q", c.flag, q)
		}
		if len(us) == 0 {
			t.Errorf("%s listed nobody on source %s", c.flag, id)
		}
		for _, u := range us {
			if u["approved"] != c.want {
				t.Errorf("%s listed %v (approved %v)", c.flag, u["name"], u["approved"])
			}
		}
	}
	r.fails(2, "use --pending", "access", id, "--state", "pending")
	r.fails(2, "give one of them", "access", id, "--pending", "--approved")
}
