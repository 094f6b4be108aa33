package apiclient

// Access governance (shared/immuta-api-v1.md, "Access and subscriptions"):
// pending access requests and their approval or denial, a source's members
// (add, change state, revoke) and unsubscribing yourself. Every write goes
// through Client.do, the once-only path: auth is settled first and nothing
// is ever sent twice. Arguments are checked before anything is sent; a
// refused write matches ErrNotSent.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The enums of immuta-api-v1.md. Order is the order error messages list them.
var (
	accessStates      = []string{"subscribed", "expert", "owner", "ingest"}
	accessMemberTypes = []string{"user", "group", "policy"}
	accessSortFields  = []string{"name", "state", "email", "expiration", "type"}
	sortOrders        = []string{"asc", "desc"}
	pendingSortFields = []string{"name", "email"}
	// changeStates are the states PUT /dataSource/{id}/access/{id} takes:
	// denied (revoke) and the access states.
	changeStates = append([]string{"denied"}, accessStates...)
)

// oneOf checks v against an enum, naming what was wrong and what would do.
func oneOf(what, v string, allowed []string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return fmt.Errorf("%s %q is not one of %s", what, clip(v), strings.Join(allowed, ", "))
}

// clip bounds a caller's value quoted back in an error.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// notSent is a write refused before anything was sent: it matches ErrNotSent.
func notSent(method, path string, err error) error {
	return fmt.Errorf("%s %s: %w: %w", method, path, ErrNotSent, err)
}

// --- GET /dataSource/{id}/access options -----------------------------------

// Values encodes the options as the query of GET /dataSource/{id}/access.
// Zero values are left out; states and memberTypes repeat the name once per
// value (?states=owner&states=expert), each value once. It does not check
// the enums: ListAccess does (Validate).
func (o AccessOptions) Values() url.Values {
	v := url.Values{}
	if o.Size > 0 {
		v.Set("size", strconv.Itoa(o.Size))
	}
	if o.Offset > 0 {
		v.Set("offset", strconv.Itoa(o.Offset))
	}
	if o.SortField != "" {
		v.Set("sortField", o.SortField)
	}
	if o.SortOrder != "" {
		v.Set("sortOrder", o.SortOrder)
	}
	if o.SearchText != "" {
		v.Set("searchText", o.SearchText)
	}
	addUniq(v, "states", o.States)
	addUniq(v, "memberTypes", o.MemberTypes)
	if o.Approved != nil {
		v.Set("approved", strconv.FormatBool(*o.Approved))
	}
	if o.ExpandGroups {
		v.Set("expandGroups", "true")
	}
	return v
}

// addUniq adds each value once: the doc declares these lists uniq.
func addUniq(v url.Values, key string, vals []string) {
	for i, s := range vals {
		if !slices.Contains(vals[:i], s) {
			v.Add(key, s)
		}
	}
}

// Validate checks the enums of o (empty means "not sent").
func (o AccessOptions) Validate() error {
	if o.SortField != "" {
		if err := oneOf("sortField", o.SortField, accessSortFields); err != nil {
			return err
		}
	}
	if o.SortOrder != "" {
		if err := oneOf("sortOrder", o.SortOrder, sortOrders); err != nil {
			return err
		}
	}
	for _, s := range o.States {
		if err := oneOf("state", s, accessStates); err != nil {
			return err
		}
	}
	for _, s := range o.MemberTypes {
		if err := oneOf("member type", s, accessMemberTypes); err != nil {
			return err
		}
	}
	return nil
}

// --- pending requests -------------------------------------------------------

// EntityRef is who asked: a user (type profile) or a group.
type EntityRef struct {
	Type  string `json:"type"` // profile|group
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

func (e *EntityRef) UnmarshalJSON(b []byte) error {
	type plain EntityRef
	if err := lenient(b, (*plain)(e), nil); err != nil {
		return err
	}
	flexIDs(b, map[string]*int64{"id": &e.ID})
	return nil
}

// ModelRef is what was asked for: a data source or a project. ParentID and
// ParentName are set only for derived subscriptions.
type ModelRef struct {
	Type       string `json:"type"` // datasource|project
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	ParentID   int64  `json:"parentId"`
	ParentName string `json:"parentName"`
}

func (m *ModelRef) UnmarshalJSON(b []byte) error {
	type plain ModelRef
	if err := lenient(b, (*plain)(m), nil); err != nil {
		return err
	}
	flexIDs(b, map[string]*int64{"id": &m.ID, "parentId": &m.ParentID})
	return nil
}

// RequestApproval is one approval a pending request needs.
type RequestApproval struct {
	SubscriptionID     int64  `json:"subscriptionId"`
	Approver           string `json:"approver"` // the required or the actual approver
	ApproverID         int64  `json:"approverId"`
	State              string `json:"state"` // approved|pending
	RequiredPermission string `json:"requiredPermission"`
	OwnerModelName     string `json:"ownerModelName"`
	OwnerModelID       int64  `json:"ownerModelId"`
}

func (a *RequestApproval) UnmarshalJSON(b []byte) error {
	type plain RequestApproval
	if err := lenient(b, (*plain)(a), nil); err != nil {
		return err
	}
	flexIDs(b, map[string]*int64{"subscriptionId": &a.SubscriptionID, "approverId": &a.ApproverID, "ownerModelId": &a.OwnerModelID})
	return nil
}

// PendingRequest is one hit of GET /subscription/getPendingRequestsForUser.
type PendingRequest struct {
	// ID is the subscription id, which is the request id to approve or
	// deny. It is 0 when the server grouped several requests (Count > 1).
	ID        int64     `json:"id"`
	Entity    EntityRef `json:"entity"`
	Model     ModelRef  `json:"model"`
	CreatedAt string    `json:"createdAt"`
	Count     int       `json:"count"`
	// FromProject is metadata.fromProject: the request came through this
	// project. nil when it did not.
	FromProject *ModelRef         `json:"-"`
	Approvals   []RequestApproval `json:"approvals"`

	Raw json.RawMessage `json:"-"`
}

func (r *PendingRequest) UnmarshalJSON(b []byte) error {
	type plain PendingRequest
	var w struct {
		plain
		Metadata struct {
			FromProject *ModelRef `json:"fromProject"`
		} `json:"metadata"`
	}
	if err := lenient(b, &w, nil); err != nil {
		return err
	}
	*r = PendingRequest(w.plain)
	r.Raw = append(json.RawMessage(nil), b...)
	if p := w.Metadata.FromProject; p != nil && *p != (ModelRef{}) {
		r.FromProject = p
	}
	var count int64
	flexIDs(b, map[string]*int64{"id": &r.ID, "count": &count})
	if r.Count == 0 && count > 0 {
		r.Count = int(count)
	}
	// An approval that was not an object says nothing; shown it would read
	// as a step still waiting.
	r.Approvals = slices.DeleteFunc(r.Approvals, func(a RequestApproval) bool { return a == RequestApproval{} })
	return nil
}

func (r PendingRequest) MarshalJSON() ([]byte, error) {
	return rawOrEncode(r.Raw, func() any {
		type plain PendingRequest
		out := struct {
			plain
			Metadata *struct {
				FromProject *ModelRef `json:"fromProject"`
			} `json:"metadata,omitempty"`
		}{plain: plain(r)}
		if r.FromProject != nil {
			out.Metadata = &struct {
				FromProject *ModelRef `json:"fromProject"`
			}{r.FromProject}
		}
		return out
	})
}

// Waiting is the approvals still to be given. A state other than
// "approved" counts as waiting: an unknown word must not read as done.
func (r PendingRequest) Waiting() []RequestApproval {
	var out []RequestApproval
	for _, a := range r.Approvals {
		if a.State != "approved" {
			out = append(out, a)
		}
	}
	return out
}

// PendingOptions are the query parameters of
// GET /subscription/getPendingRequestsForUser. Zero values are left out.
// modelTypes is never sent (the doc says a lone value may be refused):
// callers keep the hits whose Model.Type is "datasource". groupByEntity is
// never sent either, so every hit has its own ID.
type PendingOptions struct {
	Size, Offset           int
	ModelName, Name, Email string // partial matches
	ProfileID, GroupID     int64  // the requester
	SortField, SortOrder   string // name|email ; asc|desc (server default: name, asc)
}

// Values encodes the options as a query string.
func (o PendingOptions) Values() url.Values {
	v := url.Values{}
	if o.Size > 0 {
		v.Set("size", strconv.Itoa(o.Size))
	}
	if o.Offset > 0 {
		v.Set("offset", strconv.Itoa(o.Offset))
	}
	for _, p := range [][2]string{{"modelName", o.ModelName}, {"name", o.Name}, {"email", o.Email},
		{"sortField", o.SortField}, {"sortOrder", o.SortOrder}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	if o.ProfileID > 0 {
		v.Set("profileId", strconv.FormatInt(o.ProfileID, 10))
	}
	if o.GroupID > 0 {
		v.Set("groupId", strconv.FormatInt(o.GroupID, 10))
	}
	return v
}

// Validate checks the enums of o (empty means "not sent").
func (o PendingOptions) Validate() error {
	if o.SortField != "" {
		if err := oneOf("sortField", o.SortField, pendingSortFields); err != nil {
			return err
		}
	}
	if o.SortOrder != "" {
		return oneOf("sortOrder", o.SortOrder, sortOrders)
	}
	return nil
}

// PendingPage is one page of pending requests. Count is the total, or -1
// when the server did not send one.
type PendingPage struct {
	Count int              `json:"count"`
	Hits  []PendingRequest `json:"hits"`
}

// UnmarshalJSON reads {count, hits} (a bare array too). Hits that are not
// objects are dropped; hits that is not a list is an error, since reading
// it as "nothing pending" would mislead.
func (p *PendingPage) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	count := json.RawMessage(nil)
	hits := b
	if len(b) > 0 && b[0] == '{' {
		var env struct {
			Count json.RawMessage `json:"count"`
			Hits  json.RawMessage `json:"hits"`
		}
		if err := json.Unmarshal(b, &env); err != nil {
			return err
		}
		count, hits = env.Count, bytes.TrimSpace(env.Hits)
	}
	var out []PendingRequest
	switch {
	case len(hits) == 0 || bytes.Equal(hits, []byte("null")):
	case hits[0] == '[':
		if err := json.Unmarshal(hits, &out); err != nil {
			return err
		}
	default:
		return fmt.Errorf("hits is %s, not a list", jsonKind(hits[0]))
	}
	p.Hits = slices.DeleteFunc(out, func(r PendingRequest) bool { return len(r.Raw) == 0 || r.Raw[0] != '{' })
	if p.Hits == nil {
		p.Hits = []PendingRequest{}
	}
	p.Count = -1
	if n, ok := flexInt(count); ok && n >= 0 {
		p.Count = int(n)
	}
	return nil
}

const pendingPath = "/subscription/getPendingRequestsForUser"

// ListPendingRequests fetches one page of the access requests the caller
// can approve.
func (c *Client) ListPendingRequests(ctx context.Context, o PendingOptions) (*PendingPage, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("GET %s: %w", pendingPath, err)
	}
	var p PendingPage
	r := request{method: http.MethodGet, path: withQuery(pendingPath, o.Values()), accept: "{["}
	if err := c.do(ctx, r, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// AllPendingRequests walks every page of ListPendingRequests, like
// AllDataSources.
func (c *Client) AllPendingRequests(ctx context.Context, o PendingOptions) iter.Seq2[PendingRequest, error] {
	return walk(o.Offset, o.Size, pendingPath, func(offset, size int) ([]PendingRequest, int, error) {
		o := o
		o.Offset, o.Size = offset, size
		p, err := c.ListPendingRequests(ctx, o)
		if err != nil {
			return nil, 0, err
		}
		return p.Hits, p.Count, nil
	}, func(r *PendingRequest) json.RawMessage { return r.Raw })
}

// --- approve / deny ---------------------------------------------------------

// ApproveRequest approves request ID (a PendingRequest.ID); Expiration, when
// set, ends the access granted.
type ApproveRequest struct {
	ID         int64
	Expiration *time.Time
}

// DenyRequest denies request ID; the server requires a Reason.
type DenyRequest struct {
	ID     int64
	Reason string
}

// DecisionFailure is one request the server did not approve or deny.
type DecisionFailure struct {
	ID           int64     `json:"id"`
	ErrorMessage string    `json:"errorMessage"`
	Model        ModelRef  `json:"model"`
	Entity       EntityRef `json:"entity"`
}

// UnmarshalJSON is lenient, and never loses a failure: a bare id or a bare
// message is kept as one.
func (f *DecisionFailure) UnmarshalJSON(b []byte) error {
	type plain DecisionFailure
	if err := lenient(b, (*plain)(f), nil); err != nil {
		return err
	}
	if n, ok := flexInt(b); ok {
		f.ID = n
		return nil
	}
	if json.Unmarshal(b, &f.ErrorMessage) == nil {
		return nil
	}
	flexIDs(b, map[string]*int64{"id": &f.ID})
	return nil
}

// DecisionResult is the answer to an approve or deny: the requests that
// failed, none when all were carried out.
type DecisionResult struct {
	Failures []DecisionFailure `json:"failures"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON accepts a missing or null failures (nothing failed) but not
// one of another kind: reading "failures":"..." as "all done" would mislead.
func (d *DecisionResult) UnmarshalJSON(b []byte) error {
	var env struct {
		Failures json.RawMessage `json:"failures"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	d.Raw = append(json.RawMessage(nil), b...)
	f := bytes.TrimSpace(env.Failures)
	if len(f) == 0 || bytes.Equal(f, []byte("null")) {
		d.Failures = nil
		return nil
	}
	if f[0] != '[' {
		return fmt.Errorf("failures is %s, not a list", jsonKind(f[0]))
	}
	return json.Unmarshal(f, &d.Failures)
}

func (d DecisionResult) MarshalJSON() ([]byte, error) {
	return rawOrEncode(d.Raw, func() any { type plain DecisionResult; return plain(d) })
}

type decisionItem struct {
	ID              int64  `json:"id"`
	Expiration      string `json:"expiration,omitempty"`
	DenialReasoning string `json:"denialReasoning,omitempty"`
}

// ApproveRequests approves the requests in one POST /subscription/approve.
// It is sent at most once; read the answer's Failures for the ones that
// were not approved.
func (c *Client) ApproveRequests(ctx context.Context, reqs []ApproveRequest) (*DecisionResult, error) {
	const path = "/subscription/approve"
	items := make([]decisionItem, len(reqs))
	for i, r := range reqs {
		items[i] = decisionItem{ID: r.ID}
		if r.Expiration != nil {
			s, err := wireDate(*r.Expiration)
			if err != nil {
				return nil, notSent(http.MethodPost, path, fmt.Errorf("request %d: %w", r.ID, err))
			}
			items[i].Expiration = s
		}
	}
	return c.decide(ctx, path, items)
}

// DenyRequests denies the requests in one POST /subscription/deny. Every
// request needs a reason. It is sent at most once.
func (c *Client) DenyRequests(ctx context.Context, reqs []DenyRequest) (*DecisionResult, error) {
	const path = "/subscription/deny"
	items := make([]decisionItem, len(reqs))
	for i, r := range reqs {
		if strings.TrimSpace(r.Reason) == "" {
			return nil, notSent(http.MethodPost, path, fmt.Errorf("request %d: a reason for the denial is required", r.ID))
		}
		items[i] = decisionItem{ID: r.ID, DenialReasoning: r.Reason}
	}
	return c.decide(ctx, path, items)
}

func (c *Client) decide(ctx context.Context, path string, items []decisionItem) (*DecisionResult, error) {
	if len(items) == 0 {
		return nil, notSent(http.MethodPost, path, errors.New("no requests"))
	}
	for i, it := range items {
		if it.ID <= 0 {
			return nil, notSent(http.MethodPost, path, fmt.Errorf("request id %d is not a request id", it.ID))
		}
		if slices.ContainsFunc(items[:i], func(o decisionItem) bool { return o.ID == it.ID }) {
			return nil, notSent(http.MethodPost, path, fmt.Errorf("request %d is listed twice", it.ID))
		}
	}
	var res DecisionResult
	if err := c.send(ctx, http.MethodPost, path, map[string]any{"requests": items}, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// --- members and unsubscribe ------------------------------------------------

// AccessChange is the body of PUT /dataSource/{id}/access/{accessID}.
// State "denied" revokes; an empty State changes only the expiration.
type AccessChange struct {
	State      string // denied|subscribed|expert|owner|ingest
	Expiration *time.Time
}

// AddAccessRequest adds a user (ProfileID) or a group (GroupID), not both,
// with State subscribed|expert|owner|ingest.
type AddAccessRequest struct {
	State     string
	ProfileID int64
	GroupID   int64
	// Expiration, when set, ends the access.
	Expiration *time.Time
}

// WriteAnswer is a write's answer that the doc leaves untyped, kept as sent
// (for --json). Raw is nil when the server answered with an empty body.
type WriteAnswer struct {
	Raw json.RawMessage
}

func (w WriteAnswer) MarshalJSON() ([]byte, error) {
	if len(w.Raw) == 0 {
		return []byte("null"), nil
	}
	return w.Raw, nil
}

// SetAccess changes the state or expiration of a member of source sourceID.
// accessID is the entry's subscriptionId (AccessUser.SubscriptionID), not
// the profile id. It is sent at most once.
func (c *Client) SetAccess(ctx context.Context, sourceID, accessID int64, ch AccessChange) (*WriteAnswer, error) {
	path := fmt.Sprintf("/dataSource/%d/access/%d", sourceID, accessID)
	body := map[string]any{}
	var err error
	switch {
	case sourceID <= 0 || accessID <= 0:
		err = fmt.Errorf("source %d, access entry %d: both ids are needed", sourceID, accessID)
	case ch.State == "" && ch.Expiration == nil:
		err = errors.New("nothing to change: give a state or an expiration")
	case ch.State != "":
		err = oneOf("state", ch.State, changeStates)
		body["state"] = ch.State
	}
	if err == nil && ch.Expiration != nil {
		body["expiration"], err = wireDate(*ch.Expiration)
	}
	if err != nil {
		return nil, notSent(http.MethodPut, path, err)
	}
	return c.write(ctx, http.MethodPut, path, body)
}

// AddAccess adds a user or a group to source sourceID. It is sent at most
// once.
func (c *Client) AddAccess(ctx context.Context, sourceID int64, r AddAccessRequest) (*WriteAnswer, error) {
	path := fmt.Sprintf("/dataSource/%d/access", sourceID)
	body := map[string]any{"state": r.State}
	err := oneOf("state", r.State, accessStates)
	switch {
	case sourceID <= 0:
		err = fmt.Errorf("source id %d is not a source id", sourceID)
	case err != nil:
	case r.ProfileID < 0 || r.GroupID < 0 || (r.ProfileID > 0) == (r.GroupID > 0):
		err = errors.New("give either a user's profile id or a group id")
	case r.ProfileID > 0:
		body["profileId"] = r.ProfileID
	default:
		body["groupId"] = r.GroupID
	}
	if err == nil && r.Expiration != nil {
		body["expiration"], err = wireDate(*r.Expiration)
	}
	if err != nil {
		return nil, notSent(http.MethodPost, path, err)
	}
	return c.write(ctx, http.MethodPost, path, body)
}

// Unsubscribe ends the caller's subscription to source sourceID. It is sent
// at most once; re-read the source for its subscriptionStatus.
func (c *Client) Unsubscribe(ctx context.Context, sourceID int64) (*WriteAnswer, error) {
	path := fmt.Sprintf("/dataSource/%d/unsubscribe", sourceID)
	if sourceID <= 0 {
		return nil, notSent(http.MethodDelete, path, fmt.Errorf("source id %d is not a source id", sourceID))
	}
	return c.write(ctx, http.MethodDelete, path, nil)
}

// anyJSON is every byte a JSON value can start with.
const anyJSON = `{["tfn-0123456789`

// write sends a write whose answer is untyped. An empty 2xx answer is
// success with no Raw: these calls report nothing the caller decides on,
// and the caller re-reads the state. Any JSON value is kept as sent.
func (c *Client) write(ctx context.Context, method, path string, in any) (*WriteAnswer, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, notSent(method, path, err)
		}
	}
	var raw json.RawMessage
	err := c.do(ctx, request{method: method, path: path, body: body, accept: anyJSON}, &raw)
	if errors.Is(err, ErrEmptyAnswer) {
		return &WriteAnswer{}, nil
	}
	if err != nil {
		return nil, err
	}
	return &WriteAnswer{Raw: raw}, nil
}

// --- dates ------------------------------------------------------------------

// wireDate is how an expiration is sent: RFC 3339 in UTC, whole seconds
// (the doc's example: 2026-01-31T00:00:00Z).
func wireDate(t time.Time) (string, error) {
	if t.IsZero() {
		return "", errors.New("the expiration date is not set")
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339), nil
}

// ParseDate reads an expiration typed by a user: YYYY-MM-DD (midnight UTC)
// or an RFC 3339 time.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD or a time like 2026-01-31T00:00:00Z", clip(printable(s)))
}

// flexIDs fills the fields still at zero from numeric strings ("652") or
// numbers encoding/json could not put in an int64 (1e3): an id lost to a
// tenant's odd spelling would make a request impossible to approve.
func flexIDs(b []byte, fields map[string]*int64) {
	zero := false
	for _, p := range fields {
		zero = zero || *p == 0
	}
	if !zero {
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return
	}
	for k, p := range fields {
		if *p == 0 {
			if n, ok := flexInt(m[k]); ok {
				*p = n
			}
		}
	}
}
