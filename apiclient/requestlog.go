package apiclient

// The session's request log: every HTTP request the client sent, for the
// TUI's request log screen (and a curl command to send it again). Each
// record is redacted when it is made, so nothing that reads the log can
// see the API key or a session token.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// DefaultRequestLogSize is how many requests a log keeps by default.
	DefaultRequestLogSize = 500
	// MaxLoggedBody caps the request body kept per record, so the log
	// stays bounded however large the writes were.
	MaxLoggedBody = 8 << 10
)

// RequestRecord is one request as sent: redacted (the key, tokens and
// every auth header read [REDACTED]) and bounded.
type RequestRecord struct {
	ID     uint64 // 1 for the first request of the log, then counting
	Time   time.Time
	Method string
	// Path is the escaped path and query as sent.
	Path string
	// URL is the tenant URL followed by Path.
	URL string
	// Status is the last answer's HTTP status; 0 when there was none.
	Status int
	// Err says why the request failed, when it did (redacted).
	Err string
	// Duration is from the first send to the last answer, backoff
	// between retries included.
	Duration time.Duration
	// Size is how many bytes of the last answer's body were read.
	Size int64
	// Retries is how often the request was sent again: backoff retries
	// of a read, and resends after a 401 with another auth form.
	Retries int
	// Header holds the request headers of the last send, sorted by name.
	Header []Header
	// Body is the body sent, cut at MaxLoggedBody; BodySize is its whole
	// length and BodyCut says it was cut.
	Body     string
	BodySize int
	BodyCut  bool
	// Auth is the form the key was sent in ("" when no Authorization was
	// sent: the key exchange itself).
	Auth AuthMode
}

// Header is one request header of a record.
type Header struct{ Name, Value string }

// RequestLog keeps the last N requests of a session. It is safe for
// concurrent use; one log may be shared by several clients.
type RequestLog struct {
	mu    sync.Mutex
	limit int
	ring  []RequestRecord // oldest at start
	start int
	seq   uint64
}

// NewRequestLog returns a log that keeps the last n requests
// (DefaultRequestLogSize when n <= 0).
func NewRequestLog(n int) *RequestLog {
	if n <= 0 {
		n = DefaultRequestLogSize
	}
	return &RequestLog{limit: n}
}

// WithRequestLog records every request in l (shared with other clients,
// say after a change of profile). nil records nothing. Without this
// option a client keeps its own log of DefaultRequestLogSize requests.
func WithRequestLog(l *RequestLog) Option {
	return func(c *Client) { c.reqlog, c.reqlogSet = l, true }
}

// RequestLog is the log the client records into (nil when it keeps none).
func (c *Client) RequestLog() *RequestLog { return c.reqlog }

// Limit is how many requests the log keeps.
func (l *RequestLog) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

// SetLimit changes how many requests the log keeps (n <= 0 keeps the
// current limit); the oldest go when it shrinks.
func (l *RequestLog) SetLimit(n int) {
	if n <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	recs := l.ordered()
	if len(recs) > n {
		recs = recs[len(recs)-n:]
	}
	l.ring, l.start, l.limit = slices.Clip(recs), 0, n
}

// ordered is the records oldest first; l.mu must be held.
func (l *RequestLog) ordered() []RequestRecord {
	out := make([]RequestRecord, 0, len(l.ring))
	out = append(out, l.ring[l.start:]...)
	return append(out, l.ring[:l.start]...)
}

// Add records r, numbering it. The client adds what it sent, redacted;
// whoever else adds a record (a test) must redact it first.
func (l *RequestLog) Add(r RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	r.ID = l.seq
	if len(l.ring) < l.limit {
		l.ring = append(l.ring, r)
		return
	}
	l.ring[l.start] = r
	l.start = (l.start + 1) % len(l.ring)
}

// Len is how many requests the log holds now.
func (l *RequestLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ring)
}

// Seq is the ID of the last request recorded (0 for none): it changes
// whenever a request is added, so a screen can tell when to read again.
func (l *RequestLog) Seq() uint64 {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}

// Snapshot returns the records, newest first. It is a copy.
func (l *RequestLog) Snapshot() []RequestRecord {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	recs := l.ordered()
	l.mu.Unlock()
	slices.Reverse(recs)
	return recs
}

// recording is the record of one request being sent; the goroutine that
// sends it is the only one to touch it.
type recording struct {
	start   time.Time
	sends   int
	status  int
	size    int64
	header  http.Header
	auth    AuthMode
	counter *countBody
}

// sent notes one send of req with the auth form auth.
func (rec *recording) sent(req *http.Request, auth AuthMode) {
	if rec.sends == 0 {
		rec.start = time.Now()
	}
	rec.sends++
	rec.status, rec.size, rec.counter = 0, 0, nil
	rec.header, rec.auth = req.Header.Clone(), auth
}

// answered notes the answer of the last send and counts what is read of
// its body.
func (rec *recording) answered(resp *http.Response) {
	rec.status = resp.StatusCode
	rec.counter = &countBody{ReadCloser: resp.Body}
	resp.Body = rec.counter
}

type countBody struct {
	io.ReadCloser
	n int64
}

func (b *countBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}

// record adds what rec saw of r to the log, redacted; nothing when r was
// never sent (refused in read-only mode, or no auth could be had).
func (c *Client) record(r request, rec *recording, err error) {
	if c.reqlog == nil || rec.sends == 0 {
		return
	}
	if rec.counter != nil {
		rec.size = rec.counter.n
	}
	out := RequestRecord{
		Time:     rec.start,
		Method:   r.method,
		Path:     c.redactAll(r.path),
		Status:   rec.status,
		Duration: time.Since(rec.start),
		Size:     rec.size,
		Retries:  rec.sends - 1,
		BodySize: len(r.body),
		Auth:     rec.auth,
	}
	out.URL = c.baseURL.String() + out.Path
	if err != nil {
		out.Err = bound(c.redactAll(err.Error()))
	}
	names := make([]string, 0, len(rec.header))
	for n := range rec.header {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, v := range rec.header[n] {
			if secretHeader(n) {
				v = "[REDACTED]"
			}
			out.Header = append(out.Header, Header{Name: n, Value: c.redactAll(v)})
		}
	}
	if r.body != nil {
		// Redacted whole, then cut: a cut first could keep a key's head.
		b := c.redactAll(string(r.body))
		if len(b) > MaxLoggedBody {
			b, out.BodyCut = b[:MaxLoggedBody], true
		}
		out.Body = b
	}
	c.reqlog.Add(out)
}

// secretHeader reports a header whose value is a credential, whatever it
// holds: Authorization, cookies, and any key, token or secret header.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"authorization", "cookie", "key", "token", "secret", "password"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// redactAll is Redact for the log: it also finds the key and tokens as a
// query, a path or a JSON string spells them, so a key typed into a search
// or sent in a body is caught however it was escaped.
func (c *Client) redactAll(s string) string {
	c.mu.Lock()
	secrets := append([]string{c.key, c.token}, c.oldTokens...)
	c.mu.Unlock()
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		js, _ := json.Marshal(sec)
		for _, form := range []string{sec, url.QueryEscape(sec), url.PathEscape(sec), string(js[1 : len(js)-1])} {
			if form != "" {
				s = strings.ReplaceAll(s, form, "[REDACTED]")
			}
		}
	}
	return s
}

// KeyEnv is the environment variable a copied curl command reads the API
// key from.
const KeyEnv = "IMMUTA_API_KEY"

// Curl is a shell command that sends the request again with curl, reading
// the API key from $IMMUTA_API_KEY: it never holds the key or a token.
// For the session token form it first trades the key for a token, as the
// client does (POST /bim/apikey/authenticate), and sends that. A body that
// was cut, or that held a secret (now [REDACTED]), is sent as logged; a
// comment line says when it was cut.
func (r RequestRecord) Curl() string {
	var b strings.Builder
	if r.BodyCut {
		b.WriteString("# dsbrowse kept only the first " + strconv.Itoa(MaxLoggedBody) + " bytes of this body: the command sends that part\n")
	}
	base := strings.TrimSuffix(r.URL, r.Path)
	if r.Auth == AuthExchange {
		b.WriteString("TOKEN=$(curl -sS -X POST " + shq(base+authExchangePath) +
			` -H 'Content-Type: application/json' --data-binary "{\"apikey\":\"$` + KeyEnv + `\"}"` +
			` | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p') && ` + "\\\n")
	}
	b.WriteString("curl -sS")
	if strings.ContainsAny(r.URL, "[]{}") {
		b.WriteString(" -g") // a [REDACTED] in the query is not a curl glob
	}
	if r.Method != http.MethodGet {
		b.WriteString(" -X " + r.Method)
	}
	b.WriteString(" " + shq(r.URL))
	line := func(s string) { b.WriteString(" \\\n  " + s) }
	switch r.Auth {
	case AuthRaw:
		line(`-H "Authorization: $` + KeyEnv + `"`)
	case AuthBearer:
		line(`-H "Authorization: Bearer $` + KeyEnv + `"`)
	case AuthExchange:
		line(`-H "Authorization: Bearer $TOKEN"`)
	}
	for _, h := range r.Header {
		switch strings.ToLower(h.Name) {
		case "accept", "content-type":
			line("-H " + shq(h.Name+": "+h.Value))
		}
	}
	switch {
	case strings.HasSuffix(r.Path, authExchangePath) && r.Method == http.MethodPost:
		line(`--data-binary "{\"apikey\":\"$` + KeyEnv + `\"}"`)
	case r.BodySize > 0 || r.Body != "":
		line("--data-binary " + shq(r.Body))
	}
	return b.String()
}

// shq quotes s for sh in single quotes: nothing in it is expanded.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
