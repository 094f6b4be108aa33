// Package apiclient is a typed client for the Immuta REST API calls that
// dsbrowse makes (see shared/immuta-api.md). Every method takes a context
// first. GETs are retried when that is safe; writes never are.
package apiclient

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Version is reported in the User-Agent; main sets it from the build.
var Version = "dev"

// Defaults.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 3
	// MaxRetriesLimit caps WithRetries, so a mistyped setting cannot keep a
	// dead tenant busy (and the user waiting) for hours.
	MaxRetriesLimit  = 10
	authExchangePath = "/bim/apikey/authenticate"
	// DefaultMaxBodyBytes caps every answer after decompression, so a
	// hostile or broken server cannot take all memory (blob downloads
	// stream and are not capped).
	DefaultMaxBodyBytes = 64 << 20
)

// Client talks to one Immuta tenant. It is safe for concurrent use.
type Client struct {
	baseURL    *url.URL
	key        string
	authMode   AuthMode // AuthAuto, or the pinned form
	authStart  AuthMode // the form AuthAuto tries first
	onLearned  func(AuthMode)
	http       *http.Client
	timeout    time.Duration
	userAgent  string
	maxRetries int
	backoff    time.Duration // first retry delay; doubles up to maxBackoff
	maxBackoff time.Duration
	maxBody    int64
	readOnly   bool
	allowHTTP  bool
	logger     *slog.Logger
	optErr     error // an option that could not be applied
	reqlog     *RequestLog
	reqlogSet  bool // WithRequestLog was given (nil then means none)

	mu          sync.Mutex
	form        AuthMode   // the form sent now
	token       string     // from the key exchange, when form is AuthExchange
	oldTokens   []string   // every token issued, for Redact
	gen         uint64     // bumped whenever form or token changes
	established bool       // the server accepted a call (not a 401)
	tried       []AuthMode // forms refused while AuthAuto looks for one
	exchangeErr error      // why the exchange failed while looking
	flight      *flight    // the change of auth in progress, if any
}

// NewTransport is the default transport with room to keep a connection
// per concurrent page fetch (the standard one keeps 2 idle per host, so a
// background load at concurrency 4 or 8 kept dialling anew).
func NewTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return tr
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the underlying HTTP client (for a custom CA, proxies).
// nil keeps the default. The client is copied, not changed: the copy gets
// the redirect policy that keeps the key with the tenant (any CheckRedirect
// of h still runs after it).
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) {
		if h != nil {
			c.http = h
		}
	}
}

// WithTimeout bounds each request (0 keeps DefaultTimeout).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithAllowHTTP allows http:// to a host that is not this machine (the key
// then travels in clear text). Loopback hosts are always allowed.
func WithAllowHTTP(allow bool) Option { return func(c *Client) { c.allowHTTP = allow } }

// WithMaxBodyBytes caps every answer, after decompression (0 or less keeps
// DefaultMaxBodyBytes). A bigger answer fails with ErrTooLarge. Blob
// downloads are not capped.
func WithMaxBodyBytes(n int64) Option {
	return func(c *Client) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithRetries sets how many times a safe GET is retried (at most
// MaxRetriesLimit) and the first backoff delay.
func WithRetries(n int, backoff time.Duration) Option {
	return func(c *Client) {
		c.maxRetries = min(n, MaxRetriesLimit)
		if backoff > 0 {
			c.backoff = backoff
		}
	}
}

// WithReadOnly makes every POST, PUT and DELETE fail with ErrReadOnly before
// anything is sent. This is the one gate all writes pass through.
func WithReadOnly(ro bool) Option { return func(c *Client) { c.readOnly = ro } }

// WithLogger logs each request's method, path, status and duration (never
// headers or bodies). nil keeps the default, which logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithUserAgent overrides the User-Agent ("" keeps the default).
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua != "" {
			c.userAgent = ua
		}
	}
}

// New returns a client for the tenant at baseURL, authenticating with key.
// Surrounding whitespace (the newline of a key file) is dropped from key.
// It refuses, before anything is dialled, an http:// URL to a host that is
// not this machine unless WithAllowHTTP(true).
func New(baseURL, key string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(baseURL), "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("invalid Immuta URL %q: want something like https://tenant.immuta.com", baseURL)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid Immuta URL %q: scheme must be http or https", baseURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("invalid Immuta URL %q: it must not hold a user name or password (the API key is set apart)", u.Redacted())
	}
	c := &Client{
		baseURL:    u,
		key:        strings.TrimSpace(key),
		authMode:   AuthAuto,
		authStart:  AuthRaw,
		http:       &http.Client{Transport: NewTransport()},
		timeout:    DefaultTimeout,
		userAgent:  "dsbrowse/" + Version,
		maxRetries: DefaultMaxRetries,
		backoff:    250 * time.Millisecond,
		maxBackoff: 8 * time.Second,
		maxBody:    DefaultMaxBodyBytes,
		logger:     slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(c)
	}
	if c.optErr != nil {
		return nil, c.optErr
	}
	if !c.reqlogSet {
		c.reqlog = NewRequestLog(DefaultRequestLogSize)
	}
	if u.Scheme == "http" && !c.allowHTTP && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("refusing %s: %w: the API key would travel in clear text; "+
			"use https://, or allow it with allow_http = true in the profile (or --allow-http)", printable(u.String()), ErrPlainHTTP)
	}
	c.form = c.authStart
	if c.authMode != AuthAuto {
		c.form = c.authMode
	}
	c.http = c.withRedirectPolicy(c.http)
	return c, nil
}

// BaseURL is the tenant URL the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// Host is the tenant host, for headers and breadcrumbs.
func (c *Client) Host() string { return c.baseURL.Host }

// ReadOnly reports whether writes are disabled.
func (c *Client) ReadOnly() bool { return c.readOnly }

// request is one call, with its body kept so a read can be sent again.
type request struct {
	method string
	path   string // escaped path, with query
	body   []byte
	// stream, when set, receives a 2xx body instead of JSON decoding. Once
	// it has been written to, the request is not retried.
	stream *countWriter
	// noTimeout skips the per-request timeout (blob downloads).
	noTimeout bool
	// noAuth sends no Authorization header (the key exchange).
	noAuth bool
	// accept lists the first bytes an answer may start with when decoded
	// into out: "{" (an object, the default) or "{[" (an object or a list).
	accept string
	// rec, when set, notes each send for the request log.
	rec *recording
}

// maxReplays bounds how often a read is sent again after a 401: once when
// auth was already working (a token expired), or once per other form while
// AuthAuto is still looking for one.
const maxReplays = 3

// do sends r and decodes a JSON answer into out (when out is not nil).
// Reads are retried when that is safe; a write is sent at most once.
// What was sent goes to the request log.
func (c *Client) do(ctx context.Context, r request, out any) error {
	if c.reqlog == nil {
		return c.send1(ctx, r, out)
	}
	r.rec = &recording{}
	err := c.send1(ctx, r, out)
	c.record(r, r.rec, err)
	return err
}

// send1 is do without the request log.
func (c *Client) send1(ctx context.Context, r request, out any) error {
	write := r.method != http.MethodGet
	if write && c.readOnly {
		return fmt.Errorf("%s %s: %w", r.method, r.path, ErrReadOnly)
	}
	if write {
		// A 401 on a write cannot be replayed (it must never be sent twice),
		// so auth is settled first.
		if err := c.EnsureAuth(ctx); err != nil {
			return fmt.Errorf("%s %s: %w: %w", r.method, r.path, ErrNotSent, err)
		}
	}
	attempts := 1
	if !write {
		attempts += max(c.maxRetries, 0)
	}
	replays := 0
	var lastErr error
	for attempt := 0; attempt < attempts; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, c.retryDelay(attempt, lastErr)); err != nil {
				return fmt.Errorf("%w (gave up retrying: %w)", lastErr, err)
			}
		}
		cr, err := c.creds(ctx)
		if err != nil {
			return c.authFailure(r, nil, err)
		}
		if r.rec != nil {
			r.rec.auth = cr.form
		}
		status, err := c.once(ctx, r, cr.header, out)
		if status != 0 && status != http.StatusUnauthorized && status < 500 {
			c.markEstablished(cr.gen)
		}
		if err == nil {
			return nil
		}
		lastErr = err
		if status == http.StatusUnauthorized {
			if write {
				c.dropToken(cr.gen)
				return err
			}
			if replays >= maxReplays {
				return err
			}
			if aerr := c.changeAuth(ctx, cr.gen, replays); aerr != nil {
				return c.authFailure(r, err, aerr)
			}
			replays++
			attempt-- // sending with new auth is not a retry
			continue
		}
		if write || !retryable(err) || ctx.Err() != nil || (r.stream != nil && r.stream.n > 0) {
			return err
		}
	}
	return lastErr
}

func retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.StatusCode {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	return errors.Is(err, ErrUnreachable)
}

// retryDelay is capped exponential backoff with full jitter, or the server's
// Retry-After when it sent one (capped too, so a bad header cannot hang us).
func (c *Client) retryDelay(attempt int, err error) time.Duration {
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > 0 {
		return min(ae.RetryAfter, 30*time.Second)
	}
	d := float64(c.backoff) * math.Pow(2, float64(attempt-1))
	d = min(d, float64(c.maxBackoff))
	var b [8]byte
	_, _ = rand.Read(b[:])
	frac := float64(binary.LittleEndian.Uint64(b[:])>>11) / (1 << 53)
	return time.Duration(d/2 + frac*d/2) // in [d/2, d)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// once sends r a single time with the Authorization header auth and returns
// the status it got (0 when there was no answer).
func (c *Client) once(ctx context.Context, r request, auth string, out any) (int, error) {
	if !r.noTimeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.baseURL.String()+r.path, body)
	if err != nil {
		return 0, &TransportError{Method: r.method, Path: r.path, Err: err, msg: c.Redact(err.Error())}
	}
	if !r.noAuth {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.rec != nil {
		auth := r.rec.auth
		if r.noAuth {
			auth = ""
		}
		r.rec.sent(req, auth)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		var re *RedirectError
		if errors.As(err, &re) {
			re.Method, re.Path = r.method, r.path
			c.logger.Debug("redirect refused", "method", r.method, "path", r.path, "target", re.Target)
			return 0, re
		}
		te := c.transportError(r, err)
		c.logger.Debug("request failed", "method", r.method, "path", r.path, "err", te.Detail())
		return 0, te
	}
	if r.rec != nil {
		r.rec.answered(resp)
	}
	defer resp.Body.Close()
	c.logger.Debug("request", "method", r.method, "path", r.path, "status", resp.StatusCode, "took", time.Since(start))

	if resp.StatusCode >= 300 {
		// A 3xx here was not followed (no Location, or a 304).
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		ae := &APIError{StatusCode: resp.StatusCode, Method: r.method, Path: r.path, Message: errorMessage(b, c.Redact)}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			ae.RetryAfter = parseRetryAfter(ra)
		}
		return resp.StatusCode, ae
	}
	if r.stream != nil {
		if _, err := io.Copy(r.stream, resp.Body); err != nil {
			if r.stream.err != nil {
				// Our writer failed (disk full, closed pipe): the server is
				// fine and fetching again would not help.
				return resp.StatusCode, fmt.Errorf("%s %s: writing the download: %w", r.method, r.path, r.stream.err)
			}
			return resp.StatusCode, c.transportError(r, err)
		}
		return resp.StatusCode, nil
	}
	if out == nil {
		// Nothing to decode; read a little so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return resp.StatusCode, nil
	}
	if resp.ContentLength > c.maxBody {
		return resp.StatusCode, &TooLargeError{Method: r.method, Path: r.path, Limit: c.maxBody}
	}
	// Reading stops one byte past the cap: enough to know it was exceeded.
	b, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return resp.StatusCode, c.transportError(r, err)
	}
	if int64(len(b)) > c.maxBody {
		return resp.StatusCode, &TooLargeError{Method: r.method, Path: r.path, Limit: c.maxBody}
	}
	if !r.noAuth { // the key exchange's answer is the token itself
		b = c.redactBody(b)
	}
	if err := c.decode(r, b, out); err != nil {
		return resp.StatusCode, err
	}
	return resp.StatusCode, nil
}

// minBodySecret is the shortest secret redactBody looks for in answers: a
// real key or token is far longer, and a test's one-letter key would turn
// every word holding that letter into [REDACTED].
const minBodySecret = 8

// redactBody removes the key and session tokens from an answer before it is
// decoded: a server that echoes them (in a name, a description, an error)
// must not put them on a screen, in --json output or in a log. One search
// per secret; the copy is only made when one is found.
func (c *Client) redactBody(b []byte) []byte {
	c.mu.Lock()
	secrets := append([]string{c.key, c.token}, c.oldTokens...)
	c.mu.Unlock()
	for _, s := range secrets {
		if len(s) >= minBodySecret && bytes.Contains(b, []byte(s)) {
			b = bytes.ReplaceAll(b, []byte(s), []byte("[REDACTED]"))
		}
	}
	return b
}

// decode reads an answer into out. An empty or null answer, or one of the
// wrong shape, is an error: never zero values the caller could act on.
func (c *Client) decode(r request, b []byte, out any) error {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return &EmptyAnswerError{Method: r.method, Path: r.path}
	}
	accept := r.accept
	if accept == "" {
		accept = "{"
	}
	if !strings.ContainsRune(accept, rune(t[0])) {
		want := "a JSON object"
		if accept != "{" {
			want = "a JSON object or list"
		}
		return &DecodeError{Method: r.method, Path: r.path, Err: fmt.Errorf("want %s, got %s", want, jsonKind(t[0]))}
	}
	var err error
	if d, ok := out.(bodyDecoder); ok {
		err = d.decodeBody(b) // one pass, instead of json.Unmarshal's two scans first
	} else {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		return &DecodeError{Method: r.method, Path: r.path, Err: errors.New(c.Redact(err.Error()))}
	}
	return nil
}

// jsonKind names the kind of JSON value that starts with c.
func jsonKind(c byte) string {
	switch {
	case c == '{':
		return "an object"
	case c == '[':
		return "a list"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return "something that is not JSON"
}

// Redact removes the key and every session token from text that may reach
// a user or a log.
func (c *Client) Redact(s string) string {
	if c.key != "" {
		s = strings.ReplaceAll(s, c.key, "[REDACTED]")
	}
	c.mu.Lock()
	toks := append(slices.Clone(c.oldTokens), c.token)
	c.mu.Unlock()
	for _, tok := range toks {
		if tok != "" {
			s = strings.ReplaceAll(s, tok, "[REDACTED]")
		}
	}
	return s
}

// transportError wraps a request that got no (whole) answer. The cause is
// kept for errors.As, with the URL in a *url.Error stripped of user info
// and query; the text a user sees is redacted and names no URL. A canceled
// or timed-out context still matches context.Canceled or
// context.DeadlineExceeded with errors.Is, so callers can tell "I gave up"
// from "the server is down".
func (c *Client) transportError(r request, err error) *TransportError {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = c.Redact(scrubURL(ue.URL))
	}
	return &TransportError{Method: r.method, Path: r.path, Err: err, msg: c.Redact(stripURL(err))}
}

// stripURL drops the "Get \"https://...\":" prefix of a *url.Error: the
// method and path are already in our error, and the host is in the header.
func stripURL(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if errors.Is(ue.Err, context.DeadlineExceeded) {
			return "timed out"
		}
		return ue.Err.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}

func parseRetryAfter(v string) time.Duration {
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	return c.do(ctx, request{method: http.MethodGet, path: path}, out)
}

func (c *Client) send(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	return c.do(ctx, request{method: method, path: path, body: body}, out)
}
