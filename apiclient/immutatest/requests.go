package immutatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Pending access requests (GET /subscription/getPendingRequestsForUser) and
// their decisions (POST /subscription/approve and /deny).
//
// Emulator conventions (tests pin them down):
//
//   - A request is a pending entry of an access list; its id is the entry's
//     subscriptionId. The caller is asked about the requests of the
//     sources it owns (not disabled), the caller's own requests excepted.
//     Requests on other sources exist (they show in those access lists) but
//     approving or denying them fails: "not an approver".
//   - Generated sources with an approval policy need two approvals on about
//     half of them: OWNER, then GOVERNANCE, both the caller's to give.
//     Approving once records one step (the entry stays pending, the step
//     shows "approved" by the caller); the second approval subscribes the
//     member. Seed sources need one approval.
//   - About one request in five came through a project (metadata.fromProject).
//   - name, email and modelName are case-insensitive substrings; sortField
//     name|email orders by the requester, ties by request id; size defaults
//     to 15 (capped by Options.MaxPageSize). groupByEntity gives one hit per
//     user or group with count and the latest createdAt; id, model and
//     approvals are there only when count is 1.
//   - Decisions answer 200 {"failures":[...]} with one failure per request
//     that could not be carried out (unknown id, not pending, not an
//     approver, own request, disabled source, deny without
//     denialReasoning, expiration in the past); the others are carried out.
//     A body without a non-empty "requests" array, an item without a
//     numeric id or an unreadable expiration is a 400 and changes nothing.

// pendRef is an entry that was pending when the handler was made, on a
// source the caller owned then.
type pendRef struct {
	src int64
	k   int32
}

// pendingIndex lists the pending entries of the generated data, built on
// first use (about 20 ns a source). Callers hold h.mu.
func (h *Handler) pendingIndex() []pendRef {
	h.pendOnce.Do(func() {
		var out []pendRef
		for _, id := range h.customIDs {
			s := h.customs[id]
			if s.initSub != subOwner || s.fixedUsers != nil {
				continue
			}
			c := h.coreOf(s)
			for k := range s.others {
				if u := h.baseOther(&c, k); u.state == subPending {
					out = append(out, pendRef{id, int32(k)})
				}
			}
		}
		for i := range h.n {
			l := h.lite(i)
			if l.sub != subOwner {
				continue
			}
			c := h.coreOfLite(i, l)
			for k := range c.others {
				if u := h.baseOther(&c, k); u.state == subPending {
					out = append(out, pendRef{c.id, int32(k)})
				}
			}
		}
		h.pendIndex = out
	})
	return h.pendIndex
}

// pendItem is a selected request: the requester's sort rank (entityRanks)
// above its position in pendingIndex, which is request id order, so
// sorting the numbers sorts the requests. The entry itself is derived
// again (item) for the few that are shown.
type pendItem uint64

const pendPosBits = 40

func (it pendItem) ref(h *Handler) pendRef { return h.pendIndex[it&(1<<pendPosBits-1)] }

// item is the entry of a selected request (callers hold h.mu).
func (h *Handler) item(it *pendItem) user {
	u, _, _ := h.pendingNow(it.ref(h), "", nil)
	return u
}

// pendingNow resolves r against the current state; ok is false when it is
// no longer a request the caller can decide. With model set, the source's
// lower-cased name must contain it (buf is scratch space for that).
func (h *Handler) pendingNow(r pendRef, model string, buf []byte) (user, []byte, bool) {
	c, buf, ok := h.approverCore(r.src, model, buf)
	if !ok {
		return user{}, buf, false
	}
	u, ok := h.pendingAt(&c, r)
	return u, buf, ok
}

// approverCore is the core of source id if the caller decides its requests
// (and its name contains model).
func (h *Handler) approverCore(id int64, model string, buf []byte) (core, []byte, bool) {
	if i, gen := h.genIndex(id); gen {
		l, live := h.liteOf(i)
		if !live || l.disabled || l.sub != subOwner {
			return core{}, buf, false
		}
		if model != "" {
			buf = l.appendLowerName(buf[:0])
			if !bytes.Contains(buf, []byte(model)) {
				return core{}, buf, false
			}
		}
		return h.coreOfLite(i, l), buf, true
	}
	s := h.customs[id]
	if s == nil || s.disabled || !h.callerOwns(s) || model != "" && !strings.Contains(strings.ToLower(s.name), model) {
		return core{}, buf, false
	}
	return h.coreOf(s), buf, true
}

// pendingAt is entry r.k of the source of c if it is still pending.
func (h *Handler) pendingAt(c *core, r pendRef) (user, bool) {
	u := h.baseOther(c, int(r.k))
	if !h.mship[r.src].apply(&u) || u.state != subPending {
		return user{}, false
	}
	return u, true
}

// sourceName is the name of a live source (callers hold h.mu).
func (h *Handler) sourceName(id int64) string {
	if i, gen := h.genIndex(id); gen {
		l := h.lite(i)
		return string(l.appendName(nil))
	}
	if s := h.customs[id]; s != nil {
		return s.name
	}
	return ""
}

// entityRanks orders every requester (people, then groups after them in
// the same table) by lower-cased name and by email, so sorting requests
// compares two integers.
var entityRanks = sync.OnceValues(func() (byName, byEmail []uint32) {
	ps, gs := people(), groups()
	n := len(ps) + len(gs)
	names, emails := make([]string, n), make([]string, n)
	for i, p := range ps {
		names[i], emails[i] = strings.ToLower(p.name), p.email
	}
	for i, g := range gs {
		names[len(ps)+i] = g.name
	}
	rank := func(keys []string) []uint32 {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
		out := make([]uint32, n)
		for r, i := range idx {
			out[i] = uint32(r)
			if r > 0 && keys[i] == keys[idx[r-1]] {
				out[i] = out[idx[r-1]] // equal names tie, so request ids decide
			}
		}
		return out
	}
	return rank(names), rank(emails)
})

func entitySlot(u *user) int {
	if u.typ == mtGroup {
		return len(people()) + int(u.group) - 1
	}
	return int(u.profile)
}

// nameOf is the lower-cased name part of a person's search string.
func nameOf(p person) string {
	if i := strings.IndexByte(p.search, '\n'); i >= 0 {
		return p.search[:i]
	}
	return p.search
}

type pendQuery struct {
	name, email, model string // lower-cased
	profile, group     int64
	sortField          string
	desc               bool
}

type pendView struct {
	key     string
	version uint64
	items   []pendItem
}

// pendingItems is every request q selects, in order; the last result is
// kept until the next write. Callers hold h.mu for reading.
func (h *Handler) pendingItems(q pendQuery) []pendItem {
	key := fmt.Sprintf("%#v", q)
	h.pendMu.Lock()
	if v := h.pendCache; v.key == key && v.version == h.version && v.items != nil {
		h.pendMu.Unlock()
		return v.items
	}
	h.pendMu.Unlock()
	ranks, emailRanks := entityRanks()
	if q.sortField == "email" {
		ranks = emailRanks
	}
	index := h.pendingIndex()
	items := make([]pendItem, 0, len(index))
	var buf []byte
	var c core
	last, lastOK := int64(-1), false
	for pos, r := range index {
		if r.src != last { // the index holds each source's requests together
			last = r.src
			c, buf, lastOK = h.approverCore(r.src, q.model, buf)
		}
		if !lastOK {
			continue
		}
		u, ok := h.pendingAt(&c, r)
		if !ok {
			continue
		}
		if q.profile != 0 && (u.typ == mtGroup || u.profile != q.profile) ||
			q.group != 0 && (u.typ != mtGroup || u.group != q.group) {
			continue
		}
		if q.name != "" || q.email != "" {
			var name, email string
			if u.typ == mtGroup {
				g, _ := groupByID(u.group)
				name = g.name
			} else {
				p := h.people[u.profile]
				name, email = nameOf(p), p.email
			}
			if !strings.Contains(name, q.name) || !strings.Contains(strings.ToLower(email), q.email) {
				continue
			}
		}
		rank := ranks[entitySlot(&u)]
		if q.desc {
			rank = math.MaxUint32 - rank
		}
		items = append(items, pendItem(uint64(rank)<<pendPosBits|uint64(pos)))
	}
	slices.Sort(items)
	h.pendMu.Lock()
	h.pendCache = pendView{key, h.version, items}
	h.pendMu.Unlock()
	return items
}

// --- JSON ------------------------------------------------------------------------

type entityJSON struct {
	Type  string `json:"type"`
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

type modelJSON struct {
	Type string `json:"type"`
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type projectJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type pendMetaJSON struct {
	FromProject *projectJSON `json:"fromProject,omitempty"`
}

type pendApprovalJSON struct {
	SubscriptionID     int64           `json:"subscriptionId"`
	Approver           string          `json:"approver"`
	ApproverID         int64           `json:"approverId"`
	State              string          `json:"state"`
	RequiredPermission string          `json:"requiredPermission"`
	OwnerModelName     json.RawMessage `json:"ownerModelName"`
	OwnerModelID       json.RawMessage `json:"ownerModelId"`
}

type pendHitJSON struct {
	ID        *int64             `json:"id,omitempty"`
	Entity    entityJSON         `json:"entity"`
	Model     *modelJSON         `json:"model,omitempty"`
	CreatedAt string             `json:"createdAt"`
	Count     *int               `json:"count,omitempty"`
	Metadata  *pendMetaJSON      `json:"metadata,omitempty"`
	Approvals []pendApprovalJSON `json:"approvals,omitempty"`
}

var projectNames = []string{"Quarterly Revenue Review", "Churn Model", "Clinical Outcomes Study", "Fraud Detection", "Marketing Attribution"}

// fromProject is the project a request came through, if any.
func (h *Handler) fromProject(u *user) *projectJSON {
	r := hash2(uint64(u.subID)^h.seedKey, 0x70726f6a)
	if r%5 != 0 {
		return nil
	}
	k := int(r>>8) % len(projectNames)
	return &projectJSON{int64(200 + k), projectNames[k]}
}

func (h *Handler) entity(u *user) entityJSON {
	if u.typ == mtGroup {
		g, _ := groupByID(u.group)
		return entityJSON{Type: "group", ID: g.id, Name: g.name}
	}
	pp := h.people[u.profile]
	return entityJSON{Type: "profile", ID: u.profile, Name: pp.name, Email: pp.email}
}

func (h *Handler) pendHit(it *pendItem) pendHitJSON {
	uu := h.item(it)
	u := &uu
	id := u.subID
	hit := pendHitJSON{ID: &id, Entity: h.entity(u), Model: &modelJSON{"datasource", it.ref(h).src, h.sourceName(it.ref(h).src)},
		CreatedAt: isoTime(u.createdAt), Metadata: &pendMetaJSON{FromProject: h.fromProject(u)}}
	for i := range max(int(u.steps), 1) {
		a := pendApprovalJSON{SubscriptionID: id, Approver: CallerName, ApproverID: CallerProfile, State: "pending",
			RequiredPermission: stepPermission(i), OwnerModelName: jsonNull, OwnerModelID: jsonNull}
		if u.done&(1<<i) != 0 {
			a.State = "approved"
		}
		hit.Approvals = append(hit.Approvals, a)
	}
	return hit
}

// --- GET /subscription/getPendingRequestsForUser ----------------------------------

func (h *Handler) routeSubscription(w http.ResponseWriter, r *http.Request, m string, segs []string) response {
	switch {
	case len(segs) == 1 && segs[0] == "getPendingRequestsForUser" && m == http.MethodGet:
		return h.pendingRequests(r.URL.Query())
	case len(segs) == 1 && segs[0] == "approve" && m == http.MethodPost:
		return h.decide(w, r, true)
	case len(segs) == 1 && segs[0] == "deny" && m == http.MethodPost:
		return h.decide(w, r, false)
	}
	return errResponse(http.StatusNotFound, "Not Found")
}

func intParam(q url.Values, name string, min int) (int, bool, response) {
	v := q.Get(name)
	if v == "" {
		return 0, false, response{}
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min {
		return 0, false, errResponse(http.StatusBadRequest, `"`+name+`" must be larger than or equal to `+strconv.Itoa(min))
	}
	return n, true, response{}
}

func (h *Handler) pendingRequests(v url.Values) response {
	size, offset := 15, 0
	for _, p := range []struct {
		name string
		min  int
		dst  *int
	}{{"size", 1, &size}, {"offset", 0, &offset}} {
		n, set, res := intParam(v, p.name, p.min)
		if res.status != 0 {
			return res
		}
		if set {
			*p.dst = min(n, 1<<30)
		}
	}
	if h.opt.MaxPageSize > 0 {
		size = min(size, h.opt.MaxPageSize)
	}
	q := pendQuery{
		name: strings.ToLower(v.Get("name")), email: strings.ToLower(v.Get("email")),
		model: strings.ToLower(v.Get("modelName")), sortField: v.Get("sortField"),
	}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"profileId", &q.profile}, {"groupId", &q.group}} {
		n, set, res := intParam(v, p.name, 1)
		if res.status != 0 {
			return res
		}
		if set {
			*p.dst = int64(n)
		}
	}
	if q.sortField == "" {
		q.sortField = "name"
	}
	if res, ok := oneOf("sortField", q.sortField, []string{"name", "email"}); !ok {
		return res
	}
	switch v.Get("sortOrder") {
	case "", "asc":
	case "desc":
		q.desc = true
	default:
		return errResponse(http.StatusBadRequest, `"sortOrder" must be one of [asc, desc]`)
	}
	for i, t := range v["modelTypes"] {
		if t != "datasource" && t != "project" {
			return errResponse(http.StatusBadRequest, `"modelTypes[`+strconv.Itoa(i)+`]" must be one of [datasource, project]`)
		}
	}
	if len(v["modelTypes"]) > 0 && !slices.Contains(v["modelTypes"], "datasource") {
		return jsonResponse(http.StatusOK, map[string]any{"count": 0, "hits": []any{}})
	}
	grouped, _, res, ok := boolParam(v, "groupByEntity")
	if !ok {
		return res
	}

	h.mu.RLock()
	defer h.mu.RUnlock()
	items := h.pendingItems(q)
	type out struct {
		Count int           `json:"count"`
		Hits  []pendHitJSON `json:"hits"`
	}
	page := func(n int) (int, int) { return min(offset, n), min(offset+size, n) }
	if !grouped {
		a, b := page(len(items))
		o := out{Count: len(items), Hits: []pendHitJSON{}}
		for i := a; i < b; i++ {
			o.Hits = append(o.Hits, h.pendHit(&items[i]))
		}
		return jsonResponse(http.StatusOK, o)
	}
	type grp struct {
		u      user // the first request's entry
		first  int  // index in items
		count  int
		latest int64
	}
	var order []int64
	byKey := map[int64]*grp{}
	for i := range items {
		uu := h.item(&items[i])
		u := &uu
		key := u.profile
		if u.typ == mtGroup {
			key = -u.group
		}
		g := byKey[key]
		if g == nil {
			g = &grp{first: i}
			byKey[key] = g
			order = append(order, key)
		}
		g.count++
		g.latest = max(g.latest, u.createdAt)
		if g.count == 1 {
			g.u = uu
		}
	}
	a, b := page(len(order))
	o := out{Count: len(order), Hits: []pendHitJSON{}}
	for _, key := range order[a:b] {
		g := byKey[key]
		n := g.count
		hit := pendHitJSON{Entity: h.entity(&g.u), CreatedAt: isoTime(g.latest), Count: &n}
		if n == 1 {
			hit = h.pendHit(&items[g.first])
			hit.Count = &n
		}
		o.Hits = append(o.Hits, hit)
	}
	return jsonResponse(http.StatusOK, o)
}

// --- POST /subscription/approve and /deny ------------------------------------------

type failureJSON struct {
	ID           int64       `json:"id"`
	ErrorMessage string      `json:"errorMessage"`
	Model        *modelJSON  `json:"model,omitempty"`
	Entity       *entityJSON `json:"entity,omitempty"`
}

type decisionItem struct {
	id     int64
	exp    int64
	reason string
}

// findRequest finds the entry whose subscription id is id, on any source.
// Callers hold h.mu.
func (h *Handler) findRequest(id int64) (*src, user, bool) {
	try := func(s *src) (*src, user, bool) {
		if s == nil {
			return nil, user{}, false
		}
		u, ok := h.findEntry(s, id)
		return s, u, ok
	}
	if sid, k, ok := splitSubID(id); ok {
		if s := h.lookup(sid); s != nil && k < s.others {
			return try(s)
		}
		return nil, user{}, false
	}
	if i := id - 10_000_000; i >= 0 && i < int64(h.n) { // a generated caller entry (see build)
		if s, u, ok := try(h.lookup(FirstGeneratedID + i)); ok {
			return s, u, ok
		}
	}
	for _, sid := range h.customIDs {
		if s, u, ok := try(h.customs[sid]); ok {
			return s, u, ok
		}
	}
	for sid, m := range h.mship {
		for _, u := range m.added {
			if u.subID == id {
				return try(h.lookup(sid))
			}
		}
	}
	for i, o := range h.ovr {
		if o.hasSub && o.subID == id {
			return try(h.lookup(FirstGeneratedID + int64(i)))
		}
	}
	return nil, user{}, false
}

func (h *Handler) decide(w http.ResponseWriter, r *http.Request, approve bool) response {
	var body struct {
		Requests json.RawMessage `json:"requests"`
	}
	if err := readJSON(w, r, &body); err != nil {
		return errResponse(http.StatusBadRequest, "Invalid request payload JSON format")
	}
	var raw []map[string]json.RawMessage
	if len(body.Requests) == 0 || string(body.Requests) == "null" {
		return errResponse(http.StatusBadRequest, `"requests" is required`)
	}
	if json.Unmarshal(body.Requests, &raw) != nil {
		return errResponse(http.StatusBadRequest, `"requests" must be an array of objects`)
	}
	if len(raw) == 0 {
		return errResponse(http.StatusBadRequest, `"requests" must contain at least 1 items`)
	}
	items := make([]decisionItem, len(raw))
	for i, m := range raw {
		at := fmt.Sprintf(`"requests[%d].`, i)
		idRaw, ok := m["id"]
		if !ok || string(bytes.TrimSpace(idRaw)) == "null" {
			return errResponse(http.StatusBadRequest, at+`id" is required`)
		}
		if items[i].id, ok = flexID(idRaw); !ok {
			return errResponse(http.StatusBadRequest, at+`id" must be a number`)
		}
		if approve {
			if items[i].exp, ok = parseDate(m["expiration"]); !ok {
				return errResponse(http.StatusBadRequest, at+`expiration" must be a valid date`)
			}
		} else if v, ok := m["denialReasoning"]; ok {
			_ = json.Unmarshal(v, &items[i].reason)
		}
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now().UnixMilli()
	failures := []failureJSON{}
	verb := "deny"
	if approve {
		verb = "approve"
	}
	for _, it := range items {
		s, u, found := h.findRequest(it.id)
		if !found {
			failures = append(failures, failureJSON{ID: it.id, ErrorMessage: "Request " + strconv.FormatInt(it.id, 10) + " not found"})
			continue
		}
		ent := h.entity(&u)
		f := failureJSON{ID: it.id, Model: &modelJSON{"datasource", s.id, s.name}, Entity: &ent}
		switch {
		case u.state != subPending:
			f.ErrorMessage = "Request " + strconv.FormatInt(it.id, 10) + " is not pending (" + stateName(u.state) + ")"
		case u.typ != mtGroup && u.profile == CallerProfile:
			f.ErrorMessage = "You cannot " + verb + " your own request"
		case s.disabled:
			f.ErrorMessage = "Data source " + strconv.Quote(s.name) + " is disabled"
		case !h.callerOwns(s):
			f.ErrorMessage = "You are not an approver of " + strconv.Quote(s.name) + ": only its owners can " + verb + " its requests"
		case !approve && strings.TrimSpace(it.reason) == "":
			f.ErrorMessage = "denialReasoning is required to deny a request"
		case approve && it.exp != 0 && it.exp <= now:
			f.ErrorMessage = "The expiration " + isoTime(it.exp) + " is in the past"
		}
		if f.ErrorMessage != "" {
			failures = append(failures, f)
			continue
		}
		u.updatedAt = now
		if !approve {
			h.setEntry(s, u, true)
			continue
		}
		steps := max(int(u.steps), 1)
		for i := range steps {
			if u.done&(1<<i) == 0 {
				u.done |= 1 << i
				break
			}
		}
		if it.exp != 0 {
			u.exp = it.exp
		}
		if int(u.done) == 1<<steps-1 {
			u.state = subSubscribed
		}
		h.setEntry(s, u, false)
	}
	return jsonResponse(http.StatusOK, map[string]any{"failures": failures})
}
