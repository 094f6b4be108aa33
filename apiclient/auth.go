package apiclient

// How the API key is sent, and how a run finds a form the tenant accepts.
//
// Immuta documents two forms: the raw key in Authorization, and
// "Bearer <token>" where the token comes from POST /bim/apikey/authenticate.
// "Bearer <key>" works on many tenants but is not documented. AuthAuto (the
// default) starts with one form and, when the first calls of a run get a
// 401, tries the others in turn, before any write is sent. A write is sent
// at most once: a 401 on it is reported, never replayed.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// AuthMode says how the API key is sent.
type AuthMode string

const (
	// AuthAuto starts with the start form (WithAuthStart, AuthRaw by
	// default) and tries the others on a 401 (the default).
	AuthAuto AuthMode = "auto"
	// AuthRaw sends "Authorization: <key>" (documented).
	AuthRaw AuthMode = "raw"
	// AuthExchange trades the key for a session token at POST
	// /bim/apikey/authenticate and sends "Authorization: Bearer <token>"
	// (documented).
	AuthExchange AuthMode = "exchange"
	// AuthBearer sends "Authorization: Bearer <key>" (seen working in public
	// clients, not documented).
	AuthBearer AuthMode = "bearer"
)

// probeOrder is the order AuthAuto tries forms in: the documented ones first.
var probeOrder = []AuthMode{AuthRaw, AuthExchange, AuthBearer}

// probePaths are the cheap reads EnsureAuth uses to learn whether the key
// is accepted: "who am I", then, when that answers 5xx (some endpoints
// answer 500 for a missing key), one row of the list. Any answer but a 401
// or a 5xx says the key is accepted.
var probePaths = []string{"/bim/rpc/user/current", "/dataSource?size=1"}

// ParseAuthMode reads a config value: "auto" (or empty), "raw", "exchange"
// or "bearer", in any case.
func ParseAuthMode(s string) (AuthMode, error) {
	switch m := AuthMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "", AuthAuto:
		return AuthAuto, nil
	case AuthRaw, AuthExchange, AuthBearer:
		return m, nil
	}
	return "", fmt.Errorf("auth %q: want auto, raw, exchange or bearer", s)
}

// WithAuthMode chooses how the key is sent. A concrete form (AuthRaw,
// AuthExchange, AuthBearer) pins it: nothing else is tried. AuthAuto or ""
// keeps the default. Config spellings ("Raw", " bearer") are accepted; an
// unknown value makes New fail.
func WithAuthMode(m AuthMode) Option {
	return func(c *Client) {
		mode, err := ParseAuthMode(string(m))
		if err != nil {
			c.optErr = err
			return
		}
		c.authMode = mode
	}
}

// WithAuthStart sets the form AuthAuto tries first, such as the one a
// profile remembered from an earlier run. "" and AuthAuto keep AuthRaw.
func WithAuthStart(m AuthMode) Option {
	return func(c *Client) {
		mode, err := ParseAuthMode(string(m))
		if err != nil {
			c.optErr = err
			return
		}
		if mode != AuthAuto {
			c.authStart = mode
		}
	}
}

// WithAuthLearned sets a function told, once per client, which form AuthAuto
// found accepted (the start form included), so a caller can remember it for
// the profile. It runs on the goroutine of the request that found it.
func WithAuthLearned(f func(AuthMode)) Option {
	return func(c *Client) { c.onLearned = f }
}

// AuthModeInUse is the form the client sends now (for --debug output).
func (c *Client) AuthModeInUse() AuthMode {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.form
}

// creds is what one request sends, and the auth generation it belongs to,
// so a 401 can tell whether auth changed since.
type creds struct {
	header string
	gen    uint64
	form   AuthMode // for the request log
}

// flight is one change of auth in progress; others wait for it instead of
// exchanging the key again.
type flight struct {
	done chan struct{}
	err  error
}

// authGiveUp says there is nothing more to try; do turns it into an
// *AuthError around the 401.
type authGiveUp struct {
	tried    []AuthMode
	exchange error
}

func (g *authGiveUp) Error() string { return "no other auth form to try" }

func (c *Client) header(form AuthMode, token string) string {
	switch form {
	case AuthRaw:
		return c.key
	case AuthExchange:
		return "Bearer " + token
	}
	return "Bearer " + c.key
}

// creds returns what to send now, exchanging the key first when the form
// in use needs a session token it does not have.
func (c *Client) creds(ctx context.Context) (creds, error) {
	for range 3 {
		c.mu.Lock()
		if c.form != AuthExchange || c.token != "" {
			cr := creds{header: c.header(c.form, c.token), gen: c.gen, form: c.form}
			c.mu.Unlock()
			return cr, nil
		}
		gen := c.gen
		c.mu.Unlock()
		if err := c.changeAuth(ctx, gen, 0); err != nil {
			return creds{}, err
		}
	}
	// Each pass got a token that another request's 401 dropped at once.
	return creds{}, errors.New("the session token was refused as soon as it was issued")
}

// EnsureAuth establishes the session's auth before a write: with AuthAuto,
// until a call has been accepted it makes one read (trying the other forms
// on a 401); with a session token form, it exchanges the key when there is
// no token. do calls it before every POST, PUT and DELETE, so that a write
// is never answered 401 for a reason a retry could fix. A pinned raw or
// Bearer key has nothing to establish.
func (c *Client) EnsureAuth(ctx context.Context) error {
	var err error
	// A second pass only when the probe was answered but auth changed
	// meanwhile (another request's 401 moved on).
	for range 2 {
		var settled bool
		if settled, err = c.ensureOnce(ctx); settled || err != nil {
			return err
		}
	}
	return errors.New("checking the API key: the accepted form kept changing")
}

// ensureOnce probes when AuthAuto has not settled yet; settled is false when
// a probe was answered but auth was not recorded as accepted.
func (c *Client) ensureOnce(ctx context.Context) (settled bool, err error) {
	for _, path := range probePaths {
		c.mu.Lock()
		probe := c.authMode == AuthAuto && !c.established
		c.mu.Unlock()
		if !probe {
			_, err := c.creds(ctx)
			return true, err
		}
		// Even a 403 or 404 on the probe shows the key was accepted (and
		// marks it so); a 401 here has already tried the other forms.
		if err = c.do(ctx, request{method: http.MethodGet, path: path}, nil); err != nil && !errors.Is(err, ErrServer) {
			break
		}
	}
	c.mu.Lock()
	ok := c.established
	c.mu.Unlock()
	switch {
	case ok:
		return true, nil
	case err == nil:
		return false, nil
	}
	return false, fmt.Errorf("checking the API key: %w", err)
}

// established records that the server accepted what was sent at gen, and
// tells WithAuthLearned (once) which form that was.
func (c *Client) markEstablished(gen uint64) {
	c.mu.Lock()
	if c.established || c.gen != gen {
		c.mu.Unlock()
		return
	}
	c.established = true
	c.tried, c.exchangeErr = nil, nil
	form := c.form
	notify := c.authMode == AuthAuto && c.onLearned != nil
	c.mu.Unlock()
	if notify {
		c.onLearned(form)
	}
}

// dropToken forgets the session token sent at gen after a write got a 401
// with it (the token expired), so the next call exchanges the key again.
func (c *Client) dropToken(gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen && c.form == AuthExchange && c.token != "" {
		c.token = ""
		c.gen++
	}
}

// changeAuth moves on from the auth of generation gen, after a 401 on a
// read (replays is how many times that read was already sent again) or
// because the form needs a token. nil means: send again with the new auth.
// One change runs at a time; requests that see the same 401 wait for it.
func (c *Client) changeAuth(ctx context.Context, gen uint64, replays int) error {
	c.mu.Lock()
	if c.gen != gen { // someone changed it already
		c.mu.Unlock()
		return nil
	}
	f := c.flight
	if f == nil {
		needToken := c.form == AuthExchange && c.token == ""
		probing := c.authMode == AuthAuto && !c.established
		expired := c.form == AuthExchange && c.established && replays == 0
		if !needToken && !probing && !expired {
			c.mu.Unlock()
			return &authGiveUp{}
		}
		f = &flight{done: make(chan struct{})}
		c.flight = f
		form, tried := c.form, slices.Clone(c.tried)
		if !needToken && probing {
			tried = append(tried, form)
		}
		// The change runs on its own, bounded by the client's timeout, so a
		// caller that gives up does not fail the others waiting for it.
		go c.runFlight(context.WithoutCancel(ctx), f, form, needToken || expired, probing, tried)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runFlight finds the next auth: a fresh token for the exchange form, or
// the next untried form while probing.
func (c *Client) runFlight(ctx context.Context, f *flight, form AuthMode, exchange, probing bool, tried []AuthMode) {
	var (
		next     AuthMode
		token    string
		exchErr  error
		err      error
		switched bool
	)
	if exchange {
		token, exchErr = c.exchange(ctx)
		if exchErr == nil {
			next, switched = form, true
		} else if probing {
			tried = append(tried, AuthExchange)
		}
	}
	if !switched && probing {
		for _, m := range probeOrder {
			if slices.Contains(tried, m) {
				continue
			}
			if m == AuthExchange {
				token, exchErr = c.exchange(ctx)
				if exchErr != nil {
					tried = append(tried, m)
					continue
				}
			}
			next, switched = m, true
			break
		}
	}
	c.mu.Lock()
	if exchErr != nil {
		c.exchangeErr = exchErr
	}
	if !switched {
		g := &authGiveUp{exchange: exchErr}
		if probing {
			// The exchange may have failed in an earlier step of this probe.
			g.tried, g.exchange = tried, c.exchangeErr
		}
		err = g
	}
	switch {
	case switched:
		c.form, c.token = next, token
		c.tried = tried
		c.gen++
		if token != "" {
			// Kept for Redact; the last few are enough, as older ones are
			// no longer sent anywhere.
			c.oldTokens = append(c.oldTokens, token)
			if len(c.oldTokens) > 16 {
				c.oldTokens = slices.Delete(c.oldTokens, 0, len(c.oldTokens)-16)
			}
		}
	case probing:
		// Every form was refused: start over from the start form next time
		// (the user may retry), instead of refusing every later call.
		c.form, c.token, c.tried, c.exchangeErr = c.authStart, "", nil, nil
		c.gen++
	}
	c.flight = nil
	f.err = err
	c.mu.Unlock()
	close(f.done)
}

// authFailure is what a request reports when auth gave up: its 401 (or,
// when it was never sent, why no token could be had) with what was tried.
func (c *Client) authFailure(r request, status401 error, err error) error {
	var g *authGiveUp
	if !errors.As(err, &g) { // canceled while waiting for auth
		if status401 != nil {
			return fmt.Errorf("%w (gave up waiting for auth: %w)", status401, err)
		}
		return fmt.Errorf("%s %s: not sent: %w", r.method, r.path, err)
	}
	switch {
	case status401 != nil && g.exchange == nil && len(g.tried) <= 1:
		return status401 // nothing else was tried: the 401 says it all
	case status401 == nil && g.exchange == nil:
		return fmt.Errorf("%s %s: not sent: %w", r.method, r.path, err)
	}
	return &AuthError{Method: r.method, Path: r.path, Err: status401, Tried: g.tried, Exchange: g.exchange}
}

// exchange trades the API key for a session token (POST
// /bim/apikey/authenticate). It changes nothing on the server, so it is
// allowed in read-only mode. It never follows a redirect: the key is in the
// body. The error says why it failed.
func (c *Client) exchange(ctx context.Context) (string, error) {
	body, err := json.Marshal(map[string]string{"apikey": c.key})
	if err != nil {
		return "", &ExchangeError{Err: err}
	}
	var tok struct {
		Token json.RawMessage `json:"token"`
	}
	r := request{method: http.MethodPost, path: authExchangePath, body: body, noAuth: true}
	if c.reqlog != nil {
		r.rec = &recording{}
	}
	_, err = c.once(ctx, r, "", &tok)
	if r.rec != nil {
		c.record(r, r.rec, err)
	}
	if err != nil {
		return "", &ExchangeError{Err: err}
	}
	var s string
	if json.Unmarshal(tok.Token, &s) != nil || strings.TrimSpace(s) == "" {
		return "", &ExchangeError{Err: &DecodeError{Method: r.method, Path: r.path, Err: errors.New("no token in the answer")}}
	}
	return strings.TrimSpace(s), nil
}
