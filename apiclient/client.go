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
	"strconv"
	"strings"
	"sync"
	"time"
)

// Version is reported in the User-Agent; main sets it from the build.
var Version = "dev"

// AuthMode says how the API key is sent.
type AuthMode string

const (
	// AuthBearer sends "Authorization: Bearer <key>" (the default).
	AuthBearer AuthMode = "bearer"
	// AuthRaw sends "Authorization: <key>", as Immuta's S3 examples do.
	AuthRaw AuthMode = "raw"
)

// Defaults.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 3
	// MaxRetriesLimit caps WithRetries, so a mistyped setting cannot keep a
	// dead tenant busy (and the user waiting) for hours.
	MaxRetriesLimit  = 10
	authExchangePath = "/bim/apikey/authenticate"
)

// Client talks to one Immuta tenant. It is safe for concurrent use.
type Client struct {
	baseURL    *url.URL
	key        string
	authMode   AuthMode
	http       *http.Client
	timeout    time.Duration
	userAgent  string
	maxRetries int
	backoff    time.Duration // first retry delay; doubles up to maxBackoff
	maxBackoff time.Duration
	readOnly   bool
	logger     *slog.Logger

	mu    sync.Mutex
	token string // from the /bim/apikey/authenticate exchange, once done
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
// nil keeps the default.
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

// WithAuthMode chooses how the key is sent.
func WithAuthMode(m AuthMode) Option {
	return func(c *Client) {
		if m != "" {
			c.authMode = m
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
func New(baseURL, key string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(baseURL), "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("invalid Immuta URL %q: want something like https://tenant.immuta.com", baseURL)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid Immuta URL %q: scheme must be http or https", baseURL)
	}
	c := &Client{
		baseURL:    u,
		key:        strings.TrimSpace(key),
		authMode:   AuthBearer,
		http:       &http.Client{Transport: NewTransport()},
		timeout:    DefaultTimeout,
		userAgent:  "dsbrowse/" + Version,
		maxRetries: DefaultMaxRetries,
		backoff:    250 * time.Millisecond,
		maxBackoff: 8 * time.Second,
		logger:     slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL is the tenant URL the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// Host is the tenant host, for headers and breadcrumbs.
func (c *Client) Host() string { return c.baseURL.Host }

// ReadOnly reports whether writes are disabled.
func (c *Client) ReadOnly() bool { return c.readOnly }

// request is one call, with its body kept so it can be replayed after a 401.
type request struct {
	method string
	path   string // escaped path, with query
	body   []byte
	// stream, when set, receives a 2xx body instead of JSON decoding. Once
	// it has been written to, the request is not retried.
	stream *countWriter
	// noTimeout skips the per-request timeout (blob downloads).
	noTimeout bool
}

// do sends r and decodes a JSON answer into out (when out is not nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	if r.method != http.MethodGet && c.readOnly {
		return fmt.Errorf("%s %s: %w", r.method, r.path, ErrReadOnly)
	}
	safe := r.method == http.MethodGet
	attempts := 1
	if safe {
		attempts += max(c.maxRetries, 0)
	}
	reauthed := false
	var lastErr error
	for attempt := 0; attempt < attempts; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, c.retryDelay(attempt, lastErr)); err != nil {
				return fmt.Errorf("%w (gave up retrying: %w)", lastErr, err)
			}
		}
		err := c.once(ctx, r, out)
		if err == nil {
			return nil
		}
		lastErr = err
		// A 401 means the server did nothing, so even a write may be sent
		// again, once, after exchanging the key for a session token.
		if errors.Is(err, ErrUnauthorized) && !reauthed {
			reauthed = true
			if c.exchange(ctx) == nil {
				attempt-- // the replay is not a retry
				continue
			}
			return err
		}
		if !safe || !retryable(err) || ctx.Err() != nil || (r.stream != nil && r.stream.n > 0) {
			return err
		}
	}
	return lastErr
}

func retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.StatusCode {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
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

func (c *Client) authHeader() string {
	c.mu.Lock()
	tok := c.token
	c.mu.Unlock()
	if tok != "" {
		return "Bearer " + tok
	}
	if c.authMode == AuthRaw {
		return c.key
	}
	return "Bearer " + c.key
}

// once sends r a single time.
func (c *Client) once(ctx context.Context, r request, out any) error {
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
		return &TransportError{Method: r.method, Path: r.path, Err: err}
	}
	req.Header.Set("Authorization", c.authHeader())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.logger.Debug("request failed", "method", r.method, "path", r.path, "err", c.redact(err.Error()))
		return &TransportError{Method: r.method, Path: r.path, Err: c.netError(err)}
	}
	defer resp.Body.Close()
	c.logger.Debug("request", "method", r.method, "path", r.path, "status", resp.StatusCode, "took", time.Since(start))

	if resp.StatusCode >= 400 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		ae := &APIError{StatusCode: resp.StatusCode, Method: r.method, Path: r.path, Message: errorMessage(b, c.redact)}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			ae.RetryAfter = parseRetryAfter(ra)
		}
		return ae
	}
	if r.stream != nil {
		if _, err := io.Copy(r.stream, resp.Body); err != nil {
			if r.stream.err != nil {
				// Our writer failed (disk full, closed pipe): the server is
				// fine and fetching again would not help.
				return fmt.Errorf("%s %s: writing the download: %w", r.method, r.path, r.stream.err)
			}
			return &TransportError{Method: r.method, Path: r.path, Err: c.netError(err)}
		}
		return nil
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return &TransportError{Method: r.method, Path: r.path, Err: c.netError(err)}
	}
	if out == nil || len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return &DecodeError{Method: r.method, Path: r.path, Err: errors.New(c.redact(err.Error()))}
	}
	return nil
}

// exchange trades the API key for a session token (POST
// /bim/apikey/authenticate). It changes nothing on the server, so it is
// allowed in read-only mode.
func (c *Client) exchange(ctx context.Context) error {
	body, _ := json.Marshal(map[string]string{"apikey": c.key})
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL.String()+authExchangePath, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return errors.New("key exchange failed")
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("key exchange: status %d", resp.StatusCode)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tok); err != nil || tok.Token == "" {
		return errors.New("key exchange: no token in answer")
	}
	c.mu.Lock()
	c.token = tok.Token
	c.mu.Unlock()
	return nil
}

// redact removes the key and session token from text that may reach a user.
func (c *Client) redact(s string) string {
	if c.key != "" {
		s = strings.ReplaceAll(s, c.key, "[REDACTED]")
	}
	c.mu.Lock()
	tok := c.token
	c.mu.Unlock()
	if tok != "" {
		s = strings.ReplaceAll(s, tok, "[REDACTED]")
	}
	return s
}

// netError is err as a user may see it: without the URL and with the key
// and token redacted. A canceled or timed-out context still matches
// context.Canceled or context.DeadlineExceeded with errors.Is, so callers can
// tell "I gave up" from "the server is down".
func (c *Client) netError(err error) error {
	msg := c.redact(stripURL(err))
	for _, cause := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, cause) {
			return &causeError{msg: msg, cause: cause}
		}
	}
	return errors.New(msg)
}

// causeError shows msg and unwraps to a sentinel that carries no secrets.
type causeError struct {
	msg   string
	cause error
}

func (e *causeError) Error() string { return e.msg }
func (e *causeError) Unwrap() error { return e.cause }

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
