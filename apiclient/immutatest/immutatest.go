// Package immutatest is an in-memory Immuta server for tests and demos, in
// the spirit of net/http/httptest: NewServer starts one on 127.0.0.1 and the
// real apiclient talks to it.
//
// It speaks the calls of shared/immuta-api.md with the shapes of the seed
// examples. The seed sources (SeedIDs; see the ID and Name constants) answer
// exactly as the examples do, and Options.Sources more are generated,
// deterministically for Options.Seed, from their index alone: nothing per
// source is stored until a write touches it, and NewHandler takes about a
// millisecond even for a million sources. Queries build what they need on
// first use and keep it: a packed filter table (8 bytes a source), a
// lower-cased names arena for searches (about 26 bytes a source), a sort
// permutation per sort field (4 bytes a source) and the last few result
// lists (until the next write).
//
// Emulator conventions where the docs say nothing (the tests pin them down):
//
//   - GET /dataSource: size defaults to 100 (capped by Options.MaxPageSize
//     when set), offset to 0. Without sortField the order is id ascending
//     (sortOrder=desc reverses it). sortField is one of name (case-insensitive),
//     id, createdAt, status, blobHandlerType, subscriptionStatus, recordCount;
//     ties break by id. searchText is a case-insensitive substring match on the
//     name; unless nameOnly=true it also matches the description, sqlSchemaName
//     and sqlTableName. Repeated values of one filter are ORed, different
//     filters ANDed: subscription (the caller's state), status, tag (tag name),
//     blobHandlerType, connectionString, schema (sqlSchemaName), column (a
//     column of the source), all case-insensitive except connectionString.
//     Disabled sources are listed with "deleted":true and "disabled":true.
//   - Generated sources have ids FirstGeneratedID.. in order, names like
//     "Sales Orders 2023" (a number is appended once the 65,536 three-word
//     names are used up) and sqlTableName "sales_orders_2023" (none for Native
//     S3 sources). Sources created through POST /native-s3/handler get the next
//     ids; a handler id is its data source id, so GET /native-s3/handler/{id}
//     works for every Native S3 source, generated ones included.
//   - Lineage: 4 is derived from 3, and generated source i (an index) with
//     i%997 == 996 is derived from source i-1. Others have no lineage.
//   - Access lists order users owner, expert, subscribed, pending, then by
//     name (sortOrder=desc reverses the name order), then by profile;
//     searchText matches name or email. The caller's entry follows the
//     caller's subscription state; the seed's list for 22 is served as is
//     (it has the caller as owner, while the seed's list hit says
//     "subscribed").
//   - policyInfo and visibility reports vary by user: some are exempt from
//     some or all masking policies (ruleAppliedForUser false), and on sources
//     with a row-level rule most users get a REGION filter in
//     additionalFilters. The caller is never exempt on the seed sources.
//   - Subscribe: an automatic policy (subscriptionPolicy.automaticSubscription)
//     subscribes at once, otherwise the request is pending; owners,
//     subscribers and experts keep their state; unknown or disabled ids go to
//     inError as {"dataSourceId", "message"}.
//   - Faults count every request, the key exchange included; FailEvery wins
//     over RateLimitEvery, which wins over MalformedEvery. A request picked by
//     MalformedEvery is still carried out; only its answer is garbled.
//   - blobHandler.url of non-seed sources points at https://immuta.demo.example.
//   - Access governance (issue 9): members.go (access-list parameters,
//     groups, PUT/POST access, unsubscribe), requests.go (pending requests,
//     approve, deny), reports.go (denial reasons); demo.go names the demo
//     data worth trying.
package immutatest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Handler. The zero value is a working server with only
// the seed sources and the key "demo-key".
type Options struct {
	Sources int    // generated sources in addition to the seed examples (0..10,000,000)
	Key     string // accepted API key; "" means "demo-key"
	Seed    int64  // RNG seed for generated data (same seed, same data)
	// Latency is added to every request; Jitter varies it by up to that
	// much either way (uniformly), as a real link does.
	Latency, Jitter time.Duration
	// FailEvery makes every Nth request answer 503 (0 = never).
	FailEvery int
	// RateLimitEvery makes every Nth request answer 429 with Retry-After.
	RateLimitEvery int
	// RetryAfter is the Retry-After of those 429s (whole seconds, rounded
	// up; default 1s).
	RetryAfter time.Duration
	// MalformedEvery makes every Nth request answer 200 with a truncated
	// JSON body (the request itself is still carried out).
	MalformedEvery int
	// RequireExchange rejects the raw key with 401 on data calls: only a
	// token from POST /bim/apikey/authenticate works.
	RequireExchange bool
	// RejectRawKey and RejectBearerKey refuse the key (not a token) sent
	// as "<key>" or as "Bearer <key>", to stand for tenants that accept
	// only some forms (a client finds the one that works).
	RejectRawKey, RejectBearerKey bool
	// TokenTTL expires exchanged tokens after this long (0 = never).
	TokenTTL time.Duration
	// MaxPageSize caps size on GET /dataSource and /access (0 = no cap), to
	// test clients against servers that send short pages.
	MaxPageSize int
}

// Well-known data of the demo tenant.
const (
	// CallerProfile is the profile of the key's owner, "First Last".
	CallerProfile = 2
	CallerName    = "First Last"
	CallerEmail   = "first.last@immuta.com"

	IDS3Research     = 1  // "s3://research-data-source (64*****50499/us-east-2)", Native S3, handler 1
	IDParent         = 3  // "Public Healthcare Data"; its children include IDDerived
	IDDerived        = 4  // "Derived Healthcare Extract"; lineage parent IDParent
	IDWebSales       = 16 // "Web Sales": 2,500 users, masking policies of the seed
	IDPublicBarfoo   = 22 // "Public Barfoo", table barfoo
	IDCustomerData   = 26 // "Dbo Customer Data", table customer_data
	IDNeedsApproval  = 27 // "Finance Ledger": approval needed, caller not subscribed
	IDPending        = 28 // "Payroll Details": the caller's request is pending
	IDDisabled       = 31 // "Legacy Claims Archive": soft-deleted
	IDFailed         = 35 // "Staging Events Feed": status failed
	IDPublicAaaTpc   = 39 // "Public Aaa Tpc"
	IDExpert         = 42 // "Trial Results": the caller is an expert
	FirstGeneratedID = 100

	NameS3Research    = "s3://research-data-source (64*****50499/us-east-2)"
	NameParent        = "Public Healthcare Data"
	NameDerived       = "Derived Healthcare Extract"
	NameWebSales      = "Web Sales"
	NamePublicBarfoo  = "Public Barfoo"
	NameCustomerData  = "Dbo Customer Data"
	NameNeedsApproval = "Finance Ledger"
	NamePending       = "Payroll Details"
	NameDisabled      = "Legacy Claims Archive"
	NameFailed        = "Staging Events Feed"
	NamePublicAaaTpc  = "Public Aaa Tpc"
	NameExpert        = "Trial Results"

	TableCustomerData = "customer_data"
	TablePublicBarfoo = "barfoo"

	// WebSalesUsers is the size of Web Sales's access list.
	WebSalesUsers = 2500

	// DefaultKey is the key accepted when Options.Key is empty.
	DefaultKey = "demo-key"
	// DefaultPageSize is the size of a list page when none is asked for.
	DefaultPageSize = 100
	// MaxSources bounds Options.Sources.
	MaxSources = 10_000_000
	// logLimit is how many requests the log keeps (the most recent).
	logLimit = 100_000
)

// ValidIntegrationIDs are the S3 integrations POST /native-s3/handler accepts.
var ValidIntegrationIDs = []int64{1, 2}

// SeedIDs are the ids of the seed sources, ascending.
var SeedIDs = []int64{1, 3, 4, 16, 22, 26, 27, 28, 31, 35, 39, 42}

// Request is one request as the handler saw it (never its headers).
type Request struct {
	Method string
	Path   string
	Query  string
	Status int
	At     time.Time
	// Body is the start (at most 4 KiB) of the body of a POST, PUT or
	// DELETE, so tests can tell which ids a write carried.
	Body string
}

// Handler is the emulated Immuta API. It is safe for concurrent use.
type Handler struct {
	opt     Options
	key     string
	n       int    // generated sources
	seedKey uint64 // derived from Options.Seed
	perm    []uint16
	inv     []uint16
	repRank []uint8 // rank of the " <n>" name suffix, by rep

	reqN atomic.Int64

	tokMu  sync.Mutex
	tokens map[string]time.Time // token -> expiry (zero: never)

	logMu sync.Mutex
	log   []Request

	mu        sync.RWMutex
	customs   map[int64]*src // seed and created sources
	customIDs []int64        // sorted
	byName    map[string]int64
	byTable   map[string]int64
	ovr       map[int32]*override // writes to generated sources
	ovrBits   []uint64
	nextID    int64
	nextSubID int64
	version   uint64                // bumped by every write
	mship     map[int64]*srcMembers // writes to access lists, by source (members.go)

	pendOnce  sync.Once
	pendIndex []pendRef // see pendingIndex (requests.go)
	pendMu    sync.Mutex
	pendCache pendView

	cacheMu sync.Mutex
	cache   []viewEntry

	facetOnce sync.Once
	facets    []facet // see facetTable

	permMu sync.Mutex
	perms  map[string][]int32 // see sortedPerm

	arenaOnce sync.Once
	arena     []byte   // lower-cased generated names, '\n' after each
	arenaOff  []uint32 // start of each name in arena, plus the end

	people []person
}

// NewHandler builds a handler. It does no per-source work, so it is quick
// even for a million sources.
func NewHandler(o Options) *Handler {
	o.Sources = min(max(o.Sources, 0), MaxSources)
	if o.Key == "" {
		o.Key = DefaultKey
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	h := &Handler{
		opt:       o,
		key:       o.Key,
		n:         o.Sources,
		seedKey:   mix(uint64(o.Seed) ^ 0x5eed5eed5eed5eed),
		tokens:    map[string]time.Time{},
		customs:   map[int64]*src{},
		byName:    map[string]int64{},
		byTable:   map[string]int64{},
		ovr:       map[int32]*override{},
		ovrBits:   make([]uint64, (o.Sources+63)/64),
		nextID:    int64(FirstGeneratedID + o.Sources),
		nextSubID: 50_000_000,
		perms:     map[string][]int32{},
		mship:     map[int64]*srcMembers{},
	}
	h.initNames()
	h.people = people()
	for _, s := range seedSources() {
		h.addCustom(s)
	}
	return h
}

// Key is the accepted API key.
func (h *Handler) Key() string { return h.key }

// Len is the number of data sources that exist now (disabled ones included).
func (h *Handler) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := len(h.customs) + h.n
	for _, o := range h.ovr {
		if o.gone {
			n--
		}
	}
	return n
}

// SourceName is the name of source id, if it exists.
func (h *Handler) SourceName(id int64) (string, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil {
		return "", false
	}
	return s.name, true
}

// SQLTableName is the sqlTableName of source id ("" for Native S3 sources).
func (h *Handler) SQLTableName(id int64) (string, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil {
		return "", false
	}
	return s.table, true
}

// BlobIDs are the blob ids GET /dataSource/{id}/blob/{blobId} serves for
// source id (nil when it does not exist).
func (h *Handler) BlobIDs(id int64) []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.lookup(id) == nil {
		return nil
	}
	return blobIDs(id)
}

// Requests returns a copy of the request log, oldest first. The log keeps
// the most recent 100,000 requests.
func (h *Handler) Requests() []Request {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return append([]Request(nil), h.log...)
}

// ResetLog empties the request log.
func (h *Handler) ResetLog() {
	h.logMu.Lock()
	h.log = nil
	h.logMu.Unlock()
}

// ExpireTokens invalidates every exchanged token, as a server restart or
// session timeout would.
func (h *Handler) ExpireTokens() {
	h.tokMu.Lock()
	clear(h.tokens)
	h.tokMu.Unlock()
}

func (h *Handler) record(r *http.Request, status int, at time.Time, body []byte) {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	if len(h.log) >= logLimit {
		n := copy(h.log, h.log[len(h.log)-logLimit/2:])
		h.log = h.log[:n]
	}
	h.log = append(h.log, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status, At: at, Body: string(body)})
}

// response is what a route answers; ServeHTTP writes it.
type response struct {
	status int
	body   []byte
	ctype  string
	header map[string]string
}

func jsonResponse(status int, v any) response {
	return response{status: status, body: marshal(v), ctype: "application/json; charset=utf-8"}
}

func rawJSON(status int, b []byte) response {
	return response{status: status, body: b, ctype: "application/json; charset=utf-8"}
}

// hapiError is the error body of Immuta (hapi/boom).
type hapiError struct {
	StatusCode int    `json:"statusCode"`
	Error      string `json:"error"`
	Message    string `json:"message"`
}

func errResponse(status int, msg string) response {
	return jsonResponse(status, hapiError{StatusCode: status, Error: http.StatusText(status), Message: msg})
}

func every(n int64, k int) bool { return k > 0 && n%int64(k) == 0 }

// ServeHTTP answers one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	n := h.reqN.Add(1)
	var body *capture
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Body != nil {
		body = &capture{r: r.Body}
		r.Body = body
	}
	if d := h.latency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			h.record(r, 499, at, nil) // nginx's "client closed request"
			return
		}
	}
	var res response
	switch {
	case every(n, h.opt.FailEvery):
		res = errResponse(http.StatusServiceUnavailable, "Service temporarily unavailable (injected fault)")
	case every(n, h.opt.RateLimitEvery):
		res = errResponse(http.StatusTooManyRequests, "Rate limit exceeded (injected fault)")
		secs := int64((h.opt.RetryAfter + time.Second - 1) / time.Second)
		res.header = map[string]string{"Retry-After": strconv.FormatInt(secs, 10)}
	default:
		res = h.route(w, r)
		if every(n, h.opt.MalformedEvery) {
			res = malformed(res)
		}
	}
	for k, v := range res.header {
		w.Header().Set(k, v)
	}
	if res.ctype != "" {
		w.Header().Set("Content-Type", res.ctype)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(res.body)))
	// Logged before the answer is sent: a client that has its answer
	// finds its request in Requests.
	h.record(r, res.status, at, body.bytes())
	w.WriteHeader(res.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(res.body)
	}
}

// latency is this request's added delay: Latency, give or take up to
// Jitter (uniformly), never below zero.
func (h *Handler) latency() time.Duration {
	d := h.opt.Latency
	if j := h.opt.Jitter; j > 0 {
		d += time.Duration(mrand.Int64N(int64(2*j)+1)) - j
	}
	return max(d, 0)
}

// capture keeps the start of a request body as the route reads it.
type capture struct {
	r   io.ReadCloser
	buf []byte
}

const captureLimit = 4 << 10

func (c *capture) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if room := captureLimit - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(n, room)]...)
	}
	return n, err
}

func (c *capture) Close() error { return c.r.Close() }

func (c *capture) bytes() []byte {
	if c == nil {
		return nil
	}
	return c.buf
}

// malformed turns an answer into a 200 whose JSON body is cut short.
func malformed(res response) response {
	b := res.body
	if len(b) > 8 && (b[0] == '{' || b[0] == '[') {
		b = b[:len(b)/2]
	} else {
		b = []byte(`{"count": 1, "hits": [{"name": "trunc`)
	}
	return response{status: http.StatusOK, body: b, ctype: "application/json; charset=utf-8"}
}

// route dispatches on method and path. Path segments are unescaped one by
// one, so a name may hold "/" as %2F.
func (h *Handler) route(w http.ResponseWriter, r *http.Request) response {
	segs, ok := splitPath(r.URL.EscapedPath())
	if !ok {
		return errResponse(http.StatusBadRequest, "Invalid path encoding")
	}
	if r.Method == http.MethodPost && len(segs) == 3 && segs[0] == "bim" && segs[1] == "apikey" && segs[2] == "authenticate" {
		return h.authenticate(w, r)
	}
	if res, ok := h.checkAuth(r); !ok {
		return res
	}
	m := r.Method
	if m == http.MethodHead {
		m = http.MethodGet
	}
	switch {
	case len(segs) == 0:
		return errResponse(http.StatusNotFound, "Not Found")
	case segs[0] == "dataSource":
		return h.routeDataSource(w, r, m, segs[1:])
	case segs[0] == "native-s3" && len(segs) >= 2 && segs[1] == "handler":
		switch {
		case len(segs) == 2 && m == http.MethodPost:
			return h.createS3(w, r)
		case len(segs) == 3 && m == http.MethodGet:
			return h.getS3Handler(segs[2])
		}
	case segs[0] == "subscription":
		return h.routeSubscription(w, r, m, segs[1:])
	case segs[0] == "tag":
		return h.routeTag(w, r, m, segs[1:])
	case segs[0] == "dictionary":
		return h.dictionary(segs[1:], m)
	case len(segs) == 4 && segs[0] == "bim" && segs[1] == "rpc" && segs[2] == "user" && segs[3] == "current" && m == http.MethodGet:
		return jsonResponse(http.StatusOK, h.currentUser())
	}
	return errResponse(http.StatusNotFound, "Not Found")
}

func (h *Handler) routeDataSource(w http.ResponseWriter, r *http.Request, m string, segs []string) response {
	q := r.URL.Query()
	switch {
	case len(segs) == 0 && m == http.MethodGet:
		return h.list(q)
	case len(segs) == 1 && segs[0] == "subscribe" && m == http.MethodPost:
		return h.subscribe(w, r)
	case len(segs) == 2 && segs[0] == "name" && m == http.MethodGet:
		return h.getBy(h.idByName(segs[1]), "Data source with name "+strconv.Quote(segs[1])+" not found")
	case len(segs) == 2 && segs[0] == "sqlTableName" && m == http.MethodGet:
		return h.getBy(h.idByTable(segs[1]), "Data source with SQL table name "+strconv.Quote(segs[1])+" not found")
	}
	if len(segs) == 0 {
		return errResponse(http.StatusNotFound, "Not Found")
	}
	id, err := strconv.ParseInt(segs[0], 10, 64)
	if err != nil {
		return errResponse(http.StatusBadRequest, `"dataSourceId" must be a number`)
	}
	rest := segs[1:]
	switch {
	case len(rest) == 0 && m == http.MethodGet:
		return h.getBy(id, "")
	case len(rest) == 0 && m == http.MethodDelete:
		return h.deleteSource(id)
	case len(rest) == 0 && m == http.MethodPut:
		return h.putSource(w, r, id)
	case len(rest) == 2 && rest[0] == "lineage" && m == http.MethodGet:
		return h.lineage(id, rest[1])
	case len(rest) >= 2 && rest[0] == "blob" && m == http.MethodGet:
		return h.blob(id, strings.Join(rest[1:], "/"))
	case len(rest) == 1 && rest[0] == "access" && m == http.MethodGet:
		return h.access(id, q)
	case len(rest) == 1 && rest[0] == "access" && m == http.MethodPost:
		return h.postAccess(w, r, id)
	case len(rest) == 2 && rest[0] == "access" && m == http.MethodPut:
		return h.putAccess(w, r, id, rest[1])
	case len(rest) == 1 && rest[0] == "tags" && m == http.MethodGet:
		return h.sourceTags(id)
	case len(rest) == 1 && rest[0] == "contacts" && m == http.MethodGet:
		return h.contacts(id)
	case len(rest) == 1 && rest[0] == "unsubscribe" && m == http.MethodDelete:
		return h.unsubscribe(id)
	case len(rest) == 1 && rest[0] == "visibilityReport" && m == http.MethodGet:
		return h.visibilityReport(id, CallerProfile, false)
	case len(rest) == 3 && rest[0] == "users" && m == http.MethodGet && (rest[2] == "policyInfo" || rest[2] == "visibilityReport"):
		p, err := strconv.ParseInt(rest[1], 10, 64)
		if err != nil {
			return errResponse(http.StatusBadRequest, `"profileId" must be a number`)
		}
		if rest[2] == "policyInfo" {
			return h.policyInfoResponse(id, p)
		}
		return h.visibilityReport(id, p, true)
	}
	return errResponse(http.StatusNotFound, "Not Found")
}

// splitPath splits an escaped path into unescaped segments, dropping empty
// ones (so a trailing slash does not matter).
func splitPath(p string) ([]string, bool) {
	var out []string
	for s := range strings.SplitSeq(p, "/") {
		if s == "" {
			continue
		}
		u, err := pathUnescape(s)
		if err != nil {
			return nil, false
		}
		out = append(out, u)
	}
	return out, true
}

// readJSON decodes a request body (at most 1 MiB) into v.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return errors.New("empty body")
	}
	return json.Unmarshal(b, v)
}

// --- auth ---------------------------------------------------------------

func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) response {
	var body struct {
		APIKey string `json:"apikey"`
	}
	if err := readJSON(w, r, &body); err != nil {
		return errResponse(http.StatusBadRequest, "Invalid request payload JSON format")
	}
	if body.APIKey == "" {
		return errResponse(http.StatusBadRequest, `"apikey" is required`)
	}
	if body.APIKey != h.key {
		return errResponse(http.StatusUnauthorized, "Invalid API key")
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	var exp time.Time
	if h.opt.TokenTTL > 0 {
		exp = time.Now().Add(h.opt.TokenTTL)
	}
	h.tokMu.Lock()
	h.tokens[tok] = exp
	h.tokMu.Unlock()
	return jsonResponse(http.StatusOK, map[string]string{"token": tok})
}

// checkAuth accepts "Bearer <key|token>" or a bare "<key|token>".
func (h *Handler) checkAuth(r *http.Request) (response, bool) {
	v := strings.TrimSpace(r.Header.Get("Authorization"))
	if v == "" {
		return errResponse(http.StatusUnauthorized, "Missing authentication"), false
	}
	bearer := false
	if scheme, rest, ok := strings.Cut(v, " "); ok && strings.EqualFold(scheme, "bearer") {
		v, bearer = strings.TrimSpace(rest), true
	}
	h.tokMu.Lock()
	exp, isTok := h.tokens[v]
	if isTok && !exp.IsZero() && time.Now().After(exp) {
		delete(h.tokens, v)
		isTok = false
	}
	h.tokMu.Unlock()
	switch {
	case isTok:
		return response{}, true
	case v == h.key && h.opt.RequireExchange:
		return errResponse(http.StatusUnauthorized, "Session token required: exchange the API key at POST /bim/apikey/authenticate"), false
	case v == h.key && bearer && h.opt.RejectBearerKey:
		return errResponse(http.StatusUnauthorized, "Invalid token"), false
	case v == h.key && !bearer && h.opt.RejectRawKey:
		return errResponse(http.StatusUnauthorized, "Invalid API key"), false
	case v == h.key:
		return response{}, true
	}
	return errResponse(http.StatusUnauthorized, "Invalid API key or token"), false
}

func (h *Handler) currentUser() map[string]any {
	return map[string]any{
		"profile": CallerProfile, "name": CallerName, "email": CallerEmail,
		"userid": CallerEmail, "iamid": "bim", "authorizations": map[string]any{},
		"permissions": []string{"CREATE_DATA_SOURCE", "CREATE_S3_DATASOURCE"},
	}
}

// --- server -------------------------------------------------------------

// Server is a Handler listening on a local port.
type Server struct {
	URL     string // http://127.0.0.1:PORT
	Handler *Handler

	srv *http.Server
	ln  net.Listener
}

// NewServer starts a server on 127.0.0.1 on a free port. It panics if it
// cannot listen, like httptest.NewServer.
func NewServer(o Options) *Server {
	s, err := Listen("127.0.0.1:0", o)
	if err != nil {
		panic("immutatest: " + err.Error())
	}
	return s
}

// Listen starts a server on addr (host:port), for a demo tenant on a fixed
// port.
func Listen(addr string, o Options) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	h := NewHandler(o)
	s := &Server{URL: "http://" + ln.Addr().String(), Handler: h, ln: ln,
		// Its error log is discarded: with --demo the server shares the
		// process with the TUI, and nothing may write over the screen.
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and closes its connections.
func (s *Server) Close() { _ = s.srv.Close() }
