package requests_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/requests"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// inboxAPI serves pending requests as the server would: the search
// parameters as partial matches, pages by offset and size, and approve
// and deny that take requests away, or fail the ids in fail.
type inboxAPI struct {
	*viewtest.FakeAPI
	mu       sync.Mutex
	pending  []apiclient.PendingRequest
	asked    []apiclient.PendingOptions
	approves [][]apiclient.ApproveRequest
	denies   [][]apiclient.DenyRequest
	fail     map[int64]string // id → errorMessage in failures
	// decideErr, when set, is the answer to approve and deny.
	decideErr error
	// gate, when set, holds approve and deny until it is closed.
	gate chan struct{}
}

func newAPI(reqs ...apiclient.PendingRequest) *inboxAPI {
	return &inboxAPI{FakeAPI: &viewtest.FakeAPI{}, pending: reqs, fail: map[int64]string{}}
}

func has(s, part string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(part)) }

func (a *inboxAPI) ListPendingRequests(_ context.Context, o apiclient.PendingOptions) (*apiclient.PendingPage, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, o)
	var hits []apiclient.PendingRequest
	for _, r := range a.pending {
		if has(r.Entity.Name, o.Name) && has(r.Entity.Email, o.Email) && has(r.Model.Name, o.ModelName) {
			hits = append(hits, r)
		}
	}
	lo := min(o.Offset, len(hits))
	hi := min(lo+max(o.Size, 1), len(hits))
	return &apiclient.PendingPage{Count: len(hits), Hits: slices.Clone(hits[lo:hi])}, nil
}

func (a *inboxAPI) decide(ids []int64, approve bool) (*apiclient.DecisionResult, error) {
	if a.gate != nil {
		<-a.gate
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.decideErr != nil {
		return nil, a.decideErr
	}
	res := &apiclient.DecisionResult{Failures: []apiclient.DecisionFailure{}}
	for _, id := range ids {
		if msg, bad := a.fail[id]; bad {
			res.Failures = append(res.Failures, apiclient.DecisionFailure{ID: id, ErrorMessage: msg})
			continue
		}
		if approve {
			// One approval is one step: a request that waits for more
			// stays, with its first waiting step approved.
			if i := slices.IndexFunc(a.pending, func(r apiclient.PendingRequest) bool { return r.ID == id }); i >= 0 {
				r := &a.pending[i]
				if len(r.Waiting()) > 1 {
					r.Approvals = slices.Clone(r.Approvals)
					for j := range r.Approvals {
						if r.Approvals[j].State != "approved" {
							r.Approvals[j].State = "approved"
							break
						}
					}
					continue
				}
			}
		}
		a.pending = slices.DeleteFunc(a.pending, func(r apiclient.PendingRequest) bool { return r.ID == id })
	}
	return res, nil
}

func (a *inboxAPI) ApproveRequests(_ context.Context, rs []apiclient.ApproveRequest) (*apiclient.DecisionResult, error) {
	a.mu.Lock()
	a.approves = append(a.approves, slices.Clone(rs))
	a.mu.Unlock()
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return a.decide(ids, true)
}

func (a *inboxAPI) DenyRequests(_ context.Context, rs []apiclient.DenyRequest) (*apiclient.DecisionResult, error) {
	a.mu.Lock()
	a.denies = append(a.denies, slices.Clone(rs))
	a.mu.Unlock()
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return a.decide(ids, false)
}

func (a *inboxAPI) writes() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.approves) + len(a.denies)
}

// req is a pending request by who (a user, or a group when email is
// empty) for source src (id srcID), made on day of November 2026, waiting
// for the approvals named (each "PERMISSION" or "PERMISSION=approved").
func req(id int64, who, email string, srcID int64, src string, day int, approvals ...string) apiclient.PendingRequest {
	r := apiclient.PendingRequest{
		ID:        id,
		Entity:    apiclient.EntityRef{Type: "profile", ID: id * 10, Name: who, Email: email},
		Model:     apiclient.ModelRef{Type: "datasource", ID: srcID, Name: src},
		CreatedAt: fmt.Sprintf("2026-11-%02dT09:30:00.000Z", day),
	}
	if email == "" {
		r.Entity.Type = "group"
	}
	if len(approvals) == 0 {
		approvals = []string{"OWNER"}
	}
	for _, a := range approvals {
		perm, state, _ := strings.Cut(a, "=")
		if state == "" {
			state = "pending"
		}
		r.Approvals = append(r.Approvals, apiclient.RequestApproval{SubscriptionID: id, RequiredPermission: perm, State: state})
	}
	r.Raw = []byte(fmt.Sprintf(`{"id":%d}`, id))
	return r
}

// demoRequests: five requests on three sources, one needing two
// approvals (one given), one from a group, one for a project (not shown).
func demoRequests() []apiclient.PendingRequest {
	project := req(906, "Zed Project", "zed@example.com", 77, "Churn Project", 15)
	project.Model.Type = "project"
	return []apiclient.PendingRequest{
		req(901, "Ada Lovelace", "ada@example.com", 16, "Web Sales", 20),
		req(902, "Mia Young", "mia.young@example.com", 223, "Customer Assets Curated", 19, "OWNER=approved", "GOVERNANCE"),
		req(903, "store-analysts", "", 331, "Store Payroll Hourly", 18),
		req(904, "Olga Meyer", "olga@example.com", 27, "Finance Ledger", 10, "OWNER", "GOVERNANCE"),
		req(905, "Sofia Miller", "sofia@example.com", 16, "Web Sales", 21),
		project,
	}
}

// rig is the smallest root for these tests: the inbox, the modal it (or
// a modal) opens, statuses, and the decisions broadcast back to the inbox.
type rig struct {
	t        *testing.T
	api      *inboxAPI
	sess     *views.Session
	inbox    *viewtest.Driver
	modal    *viewtest.Driver
	seen     map[*viewtest.Driver]int
	statuses []string
	w, h     int
}

func newRig(t *testing.T, api *inboxAPI, o requests.Options, tweak ...func(*views.Session)) *rig {
	t.Helper()
	sess := viewtest.Context(api)
	for _, f := range tweak {
		f(sess)
	}
	r := &rig{t: t, api: api, sess: sess, seen: map[*viewtest.Driver]int{}, w: 110, h: 16}
	r.inbox = viewtest.New(t, requests.New(sess, o), r.w, r.h)
	r.pump()
	return r
}

func (r *rig) pump() {
	r.t.Helper()
	for changed := true; changed; {
		changed = false
		for _, d := range []*viewtest.Driver{r.inbox, r.modal} {
			if d == nil {
				continue
			}
			for r.seen[d] < len(d.Emitted) {
				msg := d.Emitted[r.seen[d]]
				r.seen[d]++
				changed = true
				switch m := msg.(type) {
				case views.OpenModalMsg:
					if r.modal != nil && r.modal.V != m.M {
						if c, ok := r.modal.V.(views.Closer); ok {
							c.Close()
						}
					}
					r.modal = viewtest.New(r.t, m.M, r.w, r.h+6)
				case views.RequestsDecidedMsg:
					r.inbox.Send(m)
				case views.StatusMsg:
					r.statuses = append(r.statuses, m.Text)
				}
			}
		}
		// As the root: a modal that says it closed (after a key or a
		// reply) goes.
		if r.modal != nil {
			if c, ok := r.modal.V.(views.Closing); ok && c.Closed() && r.seen[r.modal] == len(r.modal.Emitted) {
				r.closeModal()
				changed = true
			}
		}
	}
}

func (r *rig) closeModal() {
	if r.modal == nil {
		return
	}
	if c, ok := r.modal.V.(views.Closer); ok {
		c.Close()
	}
	r.modal = nil
}

// key presses keys where the root would send them: to the modal when
// one is open, else to the inbox.
func (r *rig) key(keys ...string) {
	r.t.Helper()
	for _, k := range keys {
		d := r.inbox
		if r.modal != nil {
			d = r.modal
		}
		d.Key(k)
		if c, ok := d.V.(views.Closing); ok && d == r.modal && c.Closed() {
			r.pump()
			r.closeModal()
		}
		r.pump()
	}
}

func (r *rig) typeText(s string) {
	r.t.Helper()
	d := r.inbox
	if r.modal != nil {
		d = r.modal
	}
	d.Type(s)
	r.pump()
}

func (r *rig) screen() string {
	if r.modal != nil {
		return r.modal.Screen()
	}
	return r.inbox.Screen()
}

func (r *rig) lastStatus() string {
	if len(r.statuses) == 0 {
		return ""
	}
	return r.statuses[len(r.statuses)-1]
}

func wantIn(t *testing.T, scr string, parts ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if strings.ContainsRune("│┃╭╮╰╯─━┏┓┗┛", r) {
			return ' '
		}
		return r
	}, scr)), " ")
	for _, p := range parts {
		if !strings.Contains(flat, p) {
			t.Errorf("screen lacks %q:\n%s", p, scr)
		}
	}
}

func wantNot(t *testing.T, scr string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(scr, p) {
			t.Errorf("screen has %q:\n%s", p, scr)
		}
	}
}

// rowLine is the inbox line that shows who, or "".
func rowLine(scr, who string) string {
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, who) {
			return l
		}
	}
	return ""
}

// selectRow moves the cursor onto who's request.
func (r *rig) selectRow(who string) {
	r.t.Helper()
	r.inbox.Key("g")
	for range 50 {
		if l := rowLine(r.inbox.Screen(), who); strings.HasPrefix(l, "›") {
			return
		}
		r.inbox.Key("down")
	}
	r.t.Fatalf("no row for %s:\n%s", who, r.inbox.Screen())
}
