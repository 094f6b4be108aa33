package immutatest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Access-list members: users, groups and policy grants, with the writes of
// issue 9 (approve, deny, PUT/POST access, unsubscribe) kept as overrides
// on top of the generated lists.
//
// Emulator conventions (tests pin them down):
//
//   - Generated sources may have groups among their members (entries 1..3
//     of the list, "type":"group", "profile":null, "group":<id>, the group's
//     name, no email). Groups are "<area>-analysts" (ids 1..32) and a few
//     more (33..35); see groupMembers. On sources with a policy
//     subscription, subscribed users are "type":"policy". Seed sources keep
//     their user-only lists.
//   - expandGroups=true adds, after filtering, one entry per member of each
//     approved group: "type":"user", the group's state, "subscriptionId":null
//     and "viaGroup":{"id","name"}. They cannot be changed by id; change
//     the group's entry.
//   - Without sortField the order is the old one (owner, expert,
//     subscribed, pending, then name; sortOrder=desc reverses the names).
//     With sortField (name, state, email, expiration, type) sortOrder
//     defaults to desc, as the API description says; ties break by name,
//     then by profile or group.
//   - states and memberTypes may repeat (ORed); states has no "pending", so
//     any states filter leaves pending requests out. approved=true|false
//     keeps approved or pending entries only.
//   - An entry carries "expiration" only when it has one.
//   - PUT /dataSource/{id}/access/{subscriptionId}: only an owner of the
//     source may change members (403 otherwise); "denied" removes the entry,
//     a pending entry set to subscribed/expert/owner is granted at once. The
//     answer is the entry as it is now ("state":"denied" for a removed one).
//   - POST /dataSource/{id}/access adds a user (profileId) or a group
//     (groupId); 409 when already a member or when a request is pending.
//   - DELETE /dataSource/{id}/unsubscribe: the caller leaves the list and
//     the source shows "not_subscribed"; a pending request is withdrawn.
//     Owners are refused (400), as are callers who are not subscribed.

const subIngest = nSubStates // a member state the caller's own state never takes

// Member types.
const (
	mtUser = iota
	mtGroup
	mtPolicy
)

var memberTypeNames = [...]string{"user", "group", "policy"}

func stateName(st int) string {
	if st == subIngest {
		return "ingest"
	}
	return subNames[st]
}

// stateFromName maps an access state of the API to ours.
func stateFromName(s string) (int, bool) {
	switch s {
	case "owner":
		return subOwner, true
	case "subscribed":
		return subSubscribed, true
	case "expert":
		return subExpert, true
	case "ingest":
		return subIngest, true
	}
	return 0, false
}

// legacyRank is the order of the list without sortField.
func legacyRank(st int) int {
	if st == subIngest {
		return 3
	}
	return [nSubStates]int{subOwner: 0, subExpert: 1, subSubscribed: 2, subPending: 4, subNone: 5}[st]
}

// --- groups ------------------------------------------------------------------

type group struct {
	id      int64
	name    string
	members []int64
}

var extraGroups = []string{"data-science", "auditors", "contractors"}

// groups is the group pool, the same for every handler: id i+1 is groups()[i].
var groups = sync.OnceValue(func() []group {
	out := make([]group, 0, nAreas+len(extraGroups))
	names := append(slices.Clone(areasLower[:]), extraGroups...)
	for i, n := range names {
		if i < nAreas {
			n += "-analysts"
		}
		g := group{id: int64(i + 1), name: n}
		size := 3 + int(mix(uint64(i)+0x6772)%20)
		seen := map[int64]bool{}
		for j := 0; len(g.members) < size; j++ {
			p := int64(3 + hash2(uint64(i)+0x6772, uint64(j))%profilePool)
			if !seen[p] {
				seen[p] = true
				g.members = append(g.members, p)
			}
		}
		slices.Sort(g.members)
		out = append(out, g)
	}
	return out
})

func groupByID(id int64) (group, bool) {
	gs := groups()
	if id < 1 || id > int64(len(gs)) {
		return group{}, false
	}
	return gs[id-1], true
}

func inGroup(g group, p int64) bool {
	_, ok := slices.BinarySearch(g.members, p)
	return ok
}

// --- base entries ---------------------------------------------------------------

// core is what the generated access list of a source depends on; it comes
// from a *src or, cheaply, from a generated source's lite.
type core struct {
	id                       int64
	gen                      bool
	sub, subType             int
	createdAt                int64
	others, stride, off      int
	groupRand                uint64
	twoStep                  bool
	hasGroups, policyMembers bool
}

func (h *Handler) coreOf(s *src) core {
	c := core{id: s.id, gen: s.gen, sub: s.sub, subType: s.subType, createdAt: s.createdAt,
		others: s.others, stride: s.othersStride, off: s.othersOff}
	h.decorate(&c)
	return c
}

// coreOfLite is coreOf(h.build(i, l)) without building the source.
func (h *Handler) coreOfLite(i int, l lite) core {
	c := core{id: int64(FirstGeneratedID + i), gen: true, sub: int(l.sub), subType: int(l.subType), createdAt: l.createdAt,
		others: int(l.others), stride: strides[(l.r>>40)%uint64(len(strides))], off: int((l.r >> 24) % profilePool)}
	h.decorate(&c)
	return c
}

func (h *Handler) decorate(c *core) {
	if !c.gen {
		return
	}
	c.groupRand = hash2(uint64(c.id)^h.seedKey, 0x67726f7570)
	c.hasGroups = c.others > 4 && c.groupRand%3 == 0
	c.policyMembers = c.subType == stPolicy
	c.twoStep = c.subType == stApproval && (c.groupRand>>8)%2 == 0
}

func (c *core) nGroups() int {
	if !c.hasGroups {
		return 0
	}
	return 1 + int(c.groupRand>>16)%3
}

// Subscription ids of generated entries encode where they are, so a
// request id finds its entry without an index.
const (
	otherSubBase  = 100_000_000
	otherSubSlots = 8192 // > the largest generated list
)

func otherSubID(source int64, k int) int64 { return otherSubBase + source*otherSubSlots + int64(k) }

// splitSubID is the inverse of otherSubID.
func splitSubID(id int64) (source int64, k int, ok bool) {
	if id < otherSubBase {
		return 0, 0, false
	}
	return (id - otherSubBase) / otherSubSlots, int((id - otherSubBase) % otherSubSlots), true
}

// baseOther is the k-th entry besides the caller, as generated.
func (h *Handler) baseOther(c *core, k int) user {
	r := hash2(uint64(c.id)^h.seedKey, uint64(k)+(1<<40))
	u := user{profile: int64(3 + (k*c.stride+c.off)%profilePool), subID: otherSubID(c.id, k), steps: 1}
	switch q := r % 100; {
	case k == 0 && c.sub != subOwner, q < 1:
		u.state = subOwner
	case q < 80:
		u.state = subSubscribed
	case q < 88:
		u.state = subExpert
	default:
		u.state = subPending
	}
	u.createdAt = c.createdAt + int64((r>>8)%(300*86400000))
	u.updatedAt = u.createdAt + int64((r>>20)%(30*86400000))
	u.refresh = u.updatedAt + int64((r>>40)%(10*86400000))
	if k >= 1 && k <= c.nGroups() {
		u.typ, u.profile = mtGroup, 0
		u.group = 1 + int64((uint64(k-1)+c.groupRand>>20)%uint64(len(groups())))
	} else if c.policyMembers && u.state == subSubscribed {
		u.typ = mtPolicy
	}
	if c.twoStep {
		u.steps = 2
	}
	return u
}

// --- overrides -------------------------------------------------------------------

// memberOvr is a write to one entry (by subscription id).
type memberOvr struct {
	removed   bool
	state     int
	exp       int64
	done      uint8 // approvals recorded, one bit per step
	updatedAt int64
}

// srcMembers holds the writes to one source's list.
type srcMembers struct {
	ovr   map[int64]*memberOvr
	added []user
}

func (h *Handler) membersOf(id int64) *srcMembers {
	m := h.mship[id]
	if m == nil {
		m = &srcMembers{ovr: map[int64]*memberOvr{}}
		h.mship[id] = m
	}
	return m
}

// apply applies the override of u, if any; false means it was removed.
func (m *srcMembers) apply(u *user) bool {
	if m == nil {
		return true
	}
	o := m.ovr[u.subID]
	if o == nil {
		return true
	}
	if o.removed {
		return false
	}
	u.state, u.exp, u.done = o.state, o.exp, o.done
	if o.updatedAt != 0 {
		u.updatedAt = o.updatedAt
	}
	return true
}

// users is the access list of s as it is now, unsorted and unexpanded.
// Callers hold h.mu.
func (h *Handler) users(s *src) []user {
	m := h.mship[s.id]
	var out []user
	if s.fixedUsers != nil {
		out = make([]user, 0, len(s.fixedUsers))
		for _, u := range s.fixedUsers {
			if u.state != subNone && m.apply(&u) {
				if u.steps == 0 {
					u.steps = 1
				}
				out = append(out, u)
			}
		}
	} else {
		out = make([]user, 0, s.others+1)
		if s.sub != subNone {
			at := s.subAt
			if s.sub == subOwner {
				at = s.createdAt
			}
			u := user{profile: CallerProfile, state: s.sub, subID: s.subID, createdAt: at, updatedAt: at, refresh: at + 3600_000, steps: 1}
			if m.apply(&u) {
				u.state = s.sub // the caller's state lives in s.sub
				out = append(out, u)
			}
		}
		c := h.coreOf(s)
		for k := range s.others {
			u := h.baseOther(&c, k)
			if m.apply(&u) {
				out = append(out, u)
			}
		}
	}
	if m != nil {
		out = append(out, m.added...)
	}
	return out
}

// callerOwns reports whether the caller is an owner of s (the seed list of
// 22 has the caller as owner while its hit says subscribed).
func (h *Handler) callerOwns(s *src) bool {
	if s.fixedUsers == nil {
		return s.sub == subOwner
	}
	for _, u := range h.users(s) {
		if u.profile == CallerProfile && u.state == subOwner {
			return true
		}
	}
	return false
}

// --- GET /dataSource/{id}/access -------------------------------------------------

type viaGroupJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// entryJSON is userJSON with what groups and writes add; the user fields
// keep their order so seed answers are unchanged.
type entryJSON struct {
	Profile               *int64         `json:"profile"`
	Group                 *int64         `json:"group,omitempty"`
	Name                  string         `json:"name"`
	IAMID                 string         `json:"iamid"`
	UserID                string         `json:"userid"`
	Email                 string         `json:"email"`
	Type                  string         `json:"type"`
	Admin                 string         `json:"admin"`
	Approved              bool           `json:"approved"`
	State                 string         `json:"state"`
	SystemGenerated       bool           `json:"systemGenerated"`
	LastExternalRefresh   string         `json:"lastExternalRefresh"`
	SubscriptionID        *int64         `json:"subscriptionId"`
	CreatedAt             string         `json:"createdAt"`
	UpdatedAt             string         `json:"updatedAt"`
	Expiration            *string        `json:"expiration,omitempty"`
	ViaGroup              *viaGroupJSON  `json:"viaGroup,omitempty"`
	Approvals             []approvalJSON `json:"approvals"`
	CurrentUserCanApprove bool           `json:"currentUserCanApprove"`
}

type entriesJSON struct {
	Count int         `json:"count"`
	Users []entryJSON `json:"users"`
}

// entryName and entryEmail are what searches and sorts see.
func (h *Handler) entryName(u *user) string {
	if u.typ == mtGroup {
		g, _ := groupByID(u.group)
		return g.name
	}
	return h.people[u.profile].name
}

func (h *Handler) entryEmail(u *user) string {
	if u.typ == mtGroup {
		return ""
	}
	return h.people[u.profile].email
}

func (h *Handler) entrySearch(u *user) string {
	if u.typ == mtGroup {
		g, _ := groupByID(u.group)
		return g.name
	}
	return h.people[u.profile].search
}

const (
	stepOwner      = "OWNER"
	stepGovernance = "GOVERNANCE"
)

func stepPermission(i int) string {
	if i == 0 {
		return stepOwner
	}
	return stepGovernance
}

func (h *Handler) renderEntry(s *src, u *user, admin string, owns bool) entryJSON {
	e := entryJSON{
		Type: memberTypeNames[u.typ], Admin: admin, Approved: u.state != subPending, State: stateName(u.state),
		LastExternalRefresh: isoTime(u.refresh), CreatedAt: isoTime(u.createdAt), UpdatedAt: isoTime(u.updatedAt),
		CurrentUserCanApprove: owns && u.state == subPending && u.profile != CallerProfile,
	}
	if u.typ == mtGroup {
		g, _ := groupByID(u.group)
		e.Group, e.Name, e.IAMID = &u.group, g.name, "bim"
	} else {
		pp := h.people[u.profile]
		p := u.profile
		e.Profile, e.Name, e.IAMID, e.UserID, e.Email = &p, pp.name, pp.iamid, pp.email, pp.email
	}
	if u.via != 0 {
		g, _ := groupByID(u.via)
		e.ViaGroup = &viaGroupJSON{g.id, g.name}
	} else {
		id := u.subID
		e.SubscriptionID = &id
	}
	if u.exp != 0 {
		x := isoTime(u.exp)
		e.Expiration = &x
	}
	for i := range max(int(u.steps), 1) {
		a := approvalJSON{RequiredPermission: stepPermission(i), State: "approved", ApproverID: jsonNull, OwnerModelID: jsonNull, OwnerModelName: jsonNull}
		switch {
		case u.state != subPending:
			a.Approver = &admin
		case u.done&(1<<i) != 0:
			name := CallerName
			a.Approver, a.ApproverID = &name, json.RawMessage(strconv.Itoa(CallerProfile))
		default:
			a.State = "pending"
		}
		e.Approvals = append(e.Approvals, a)
	}
	return e
}

var accessSortFields = []string{"name", "state", "email", "expiration", "type"}

func oneOf(field, v string, allowed []string) (response, bool) {
	if slices.Contains(allowed, v) {
		return response{}, true
	}
	return errResponse(http.StatusBadRequest, `"`+field+`" must be one of [`+strings.Join(allowed, ", ")+`]`), false
}

func boolParam(q url.Values, name string) (val, set bool, res response, ok bool) {
	switch v := strings.ToLower(q.Get(name)); v {
	case "":
		return false, false, response{}, true
	case "true", "false":
		return v == "true", true, response{}, true
	}
	return false, false, errResponse(http.StatusBadRequest, `"`+name+`" must be a boolean`), false
}

func (h *Handler) access(id int64, q url.Values) response {
	size, offset, res, ok := pageParams(q, h.opt.MaxPageSize)
	if !ok {
		return res
	}
	sortField := q.Get("sortField")
	if sortField != "" {
		if res, ok := oneOf("sortField", sortField, accessSortFields); !ok {
			return res
		}
	}
	desc := sortField != "" // the API's default is desc; see the package notes
	switch q.Get("sortOrder") {
	case "":
	case "asc":
		desc = false
	case "desc":
		desc = true
	default:
		return errResponse(http.StatusBadRequest, `"sortOrder" must be one of [asc, desc]`)
	}
	var stateOK [nSubStates + 1]bool
	for i, v := range q["states"] {
		st, known := stateFromName(v)
		if !known {
			return errResponse(http.StatusBadRequest, `"states[`+strconv.Itoa(i)+`]" must be one of [subscribed, expert, owner, ingest]`)
		}
		stateOK[st] = true
	}
	var typeOK [3]bool
	for i, v := range q["memberTypes"] {
		t := slices.Index(memberTypeNames[:], v)
		if t < 0 {
			return errResponse(http.StatusBadRequest, `"memberTypes[`+strconv.Itoa(i)+`]" must be one of [user, group, policy]`)
		}
		typeOK[t] = true
	}
	approved, approvedSet, res, ok := boolParam(q, "approved")
	if !ok {
		return res
	}
	expand, _, res, ok := boolParam(q, "expandGroups")
	if !ok {
		return res
	}
	search := strings.ToLower(strings.TrimSpace(q.Get("searchText")))

	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	all := h.users(s)
	if expand {
		for _, u := range all {
			if u.typ != mtGroup || u.state == subPending {
				continue
			}
			g, _ := groupByID(u.group)
			for _, p := range g.members {
				all = append(all, user{profile: p, state: u.state, via: g.id, createdAt: u.createdAt, updatedAt: u.updatedAt,
					refresh: u.refresh, exp: u.exp, steps: 1})
			}
		}
	}
	keep := func(u *user) bool {
		if len(q["states"]) > 0 && !stateOK[u.state] {
			return false
		}
		if len(q["memberTypes"]) > 0 && !typeOK[u.typ] {
			return false
		}
		if approvedSet && approved != (u.state != subPending) {
			return false
		}
		return search == "" || strings.Contains(h.entrySearch(u), search)
	}
	all = slices.DeleteFunc(all, func(u user) bool { return !keep(&u) })
	byName := func(a, b *user) int {
		return strings.Compare(h.entryName(a), h.entryName(b))
	}
	tie := func(a, b *user) int {
		return cmp.Or(cmp.Compare(a.profile, b.profile), cmp.Compare(a.group, b.group), cmp.Compare(a.via, b.via))
	}
	slices.SortFunc(all, func(a, b user) int {
		if sortField == "" {
			if c := cmp.Compare(legacyRank(a.state), legacyRank(b.state)); c != 0 {
				return c
			}
			c := byName(&a, &b)
			if desc {
				c = -c
			}
			return cmp.Or(c, tie(&a, &b))
		}
		var c int
		switch sortField {
		case "name":
			c = byName(&a, &b)
		case "state":
			c = strings.Compare(stateName(a.state), stateName(b.state))
		case "email":
			c = strings.Compare(h.entryEmail(&a), h.entryEmail(&b))
		case "expiration":
			c = cmp.Compare(a.exp, b.exp)
		case "type":
			c = strings.Compare(memberTypeNames[a.typ], memberTypeNames[b.typ])
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, byName(&a, &b), tie(&a, &b))
	})
	out := entriesJSON{Count: len(all), Users: []entryJSON{}}
	admin := h.adminName(s)
	owns := h.callerOwns(s)
	for i := range all[min(offset, len(all)):min(offset+size, len(all))] {
		u := &all[min(offset, len(all))+i]
		out.Users = append(out.Users, h.renderEntry(s, u, admin, owns))
	}
	return jsonResponse(http.StatusOK, out)
}

// --- PUT and POST /dataSource/{id}/access ----------------------------------------

// parseDate accepts RFC3339 or YYYY-MM-DD (midnight UTC); null or absent is
// zero.
func parseDate(raw json.RawMessage) (int64, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return 0, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UnixMilli(), true
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UnixMilli(), true
	}
	return 0, false
}

// findEntry finds the entry with subscription id sid in s's list.
func (h *Handler) findEntry(s *src, sid int64) (user, bool) {
	for _, u := range h.users(s) {
		if u.subID == sid {
			return u, true
		}
	}
	return user{}, false
}

// setEntry records u (as it is now) as an override of its entry.
func (h *Handler) setEntry(s *src, u user, removed bool) {
	h.version++
	if u.profile == CallerProfile && s.fixedUsers == nil && u.subID == s.subID {
		switch {
		case removed:
			h.setSub(s, subNone, 0, 0)
		case u.state != s.sub:
			h.setSub(s, u.state, s.subID, s.subAt)
		}
	}
	m := h.membersOf(s.id)
	for i := range m.added {
		if m.added[i].subID == u.subID {
			if removed {
				m.added = slices.Delete(m.added, i, i+1)
			} else {
				m.added[i] = u
			}
			return
		}
	}
	m.ovr[u.subID] = &memberOvr{removed: removed, state: u.state, exp: u.exp, done: u.done, updatedAt: u.updatedAt}
}

func (h *Handler) putAccess(w http.ResponseWriter, r *http.Request, id int64, sidSeg string) response {
	sid, err := strconv.ParseInt(sidSeg, 10, 64)
	if err != nil {
		return errResponse(http.StatusBadRequest, `"id" must be a number`)
	}
	var body struct {
		State      *string         `json:"state"`
		Expiration json.RawMessage `json:"expiration"`
	}
	if err := readJSON(w, r, &body); err != nil {
		return errResponse(http.StatusBadRequest, "Invalid request payload JSON format")
	}
	if body.State == nil && len(body.Expiration) == 0 {
		return errResponse(http.StatusBadRequest, `"state" or "expiration" is required`)
	}
	st, denied := -1, false
	if body.State != nil {
		if *body.State == "denied" {
			denied = true
		} else if v, ok := stateFromName(*body.State); ok {
			st = v
		} else {
			return errResponse(http.StatusBadRequest, `"state" must be one of [denied, subscribed, expert, owner, ingest]`)
		}
	}
	exp, ok := parseDate(body.Expiration)
	if !ok {
		return errResponse(http.StatusBadRequest, `"expiration" must be a valid date`)
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	if !h.callerOwns(s) {
		return errResponse(http.StatusForbidden, "Only an owner of "+strconv.Quote(s.name)+" can change its members")
	}
	u, found := h.findEntry(s, sid)
	if !found {
		return errResponse(http.StatusNotFound, "Subscription "+strconv.FormatInt(sid, 10)+" not found on data source "+strconv.FormatInt(id, 10))
	}
	if u.profile == CallerProfile && st == subIngest {
		return errResponse(http.StatusBadRequest, "The emulator does not give the caller the ingest state")
	}
	now := time.Now().UnixMilli()
	u.updatedAt = now
	if st >= 0 {
		if u.state == subPending {
			u.done = 1<<max(u.steps, 1) - 1
		}
		u.state = st
	}
	if len(body.Expiration) > 0 {
		u.exp = exp
	}
	h.setEntry(s, u, denied)
	e := h.renderEntry(s, &u, h.adminName(s), true)
	if denied {
		e.State, e.Approved = "denied", false
	}
	return jsonResponse(http.StatusOK, e)
}

func (h *Handler) postAccess(w http.ResponseWriter, r *http.Request, id int64) response {
	var body struct {
		State      *string         `json:"state"`
		ProfileID  json.RawMessage `json:"profileId"`
		GroupID    json.RawMessage `json:"groupId"`
		Expiration json.RawMessage `json:"expiration"`
	}
	if err := readJSON(w, r, &body); err != nil {
		return errResponse(http.StatusBadRequest, "Invalid request payload JSON format")
	}
	bad := func(msg string) response { return errResponse(http.StatusBadRequest, msg) }
	if body.State == nil {
		return bad(`"state" is required`)
	}
	st, ok := stateFromName(*body.State)
	if !ok {
		return bad(`"state" must be one of [subscribed, expert, owner, ingest]`)
	}
	hasP, hasG := len(body.ProfileID) > 0 && string(body.ProfileID) != "null", len(body.GroupID) > 0 && string(body.GroupID) != "null"
	if hasP == hasG {
		return bad(`exactly one of "profileId" and "groupId" is required`)
	}
	var pid, gid int64
	if hasP {
		if pid, ok = flexID(body.ProfileID); !ok {
			return bad(`"profileId" must be a number`)
		}
	} else if gid, ok = flexID(body.GroupID); !ok {
		return bad(`"groupId" must be a number`)
	}
	exp, ok := parseDate(body.Expiration)
	if !ok {
		return bad(`"expiration" must be a valid date`)
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	if hasP {
		if _, ok := h.person(pid); !ok {
			return errResponse(http.StatusNotFound, "User profile "+strconv.FormatInt(pid, 10)+" not found")
		}
	} else if _, ok := groupByID(gid); !ok {
		return errResponse(http.StatusNotFound, "Group "+strconv.FormatInt(gid, 10)+" not found")
	}
	if !h.callerOwns(s) {
		return errResponse(http.StatusForbidden, "Only an owner of "+strconv.Quote(s.name)+" can add members")
	}
	for _, u := range h.users(s) {
		if u.typ == mtGroup && u.group == gid && hasG || u.typ != mtGroup && u.profile == pid && hasP {
			msg := h.entryName(&u) + " is already a member (" + stateName(u.state) + ") of " + strconv.Quote(s.name)
			if u.state == subPending {
				msg = h.entryName(&u) + " has a pending request (id " + strconv.FormatInt(u.subID, 10) + ") on " + strconv.Quote(s.name) + "; approve it instead"
			}
			return errResponse(http.StatusConflict, msg)
		}
	}
	now := time.Now().UnixMilli()
	u := user{profile: pid, state: st, subID: h.nextSubID, createdAt: now, updatedAt: now, refresh: now, exp: exp, steps: 1, done: 1}
	h.nextSubID++
	if hasG {
		u.typ, u.group = mtGroup, gid
	}
	h.version++
	m := h.membersOf(s.id)
	m.added = append(m.added, u)
	return jsonResponse(http.StatusOK, h.renderEntry(s, &u, h.adminName(s), true))
}

// --- unsubscribe -----------------------------------------------------------------

func (h *Handler) unsubscribe(id int64) response {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	switch s.sub {
	case subNone:
		return errResponse(http.StatusBadRequest, "You are not subscribed to data source "+strconv.FormatInt(id, 10))
	case subOwner:
		return errResponse(http.StatusBadRequest, "Owners cannot unsubscribe from "+strconv.Quote(s.name)+"; make another member an owner and change your own state first")
	}
	old, at := s.subID, s.subAt
	h.setSub(s, subNone, 0, 0)
	now := time.Now().UnixMilli()
	return jsonResponse(http.StatusOK, subscriptionJSON{
		ID: old, ModelID: strconv.FormatInt(id, 10), ModelType: "datasource", State: subNames[subNone],
		Metadata: json.RawMessage(`{}`), Admin: jsonNull, DenialReasoning: jsonNull, Profile: CallerProfile,
		Group: jsonNull, Expiration: jsonNull, CreatedAt: isoTime(at), UpdatedAt: isoTime(now),
	})
}
