package apiclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors for errors.Is. An *APIError matches the one for its status.
var (
	ErrNotFound     = errors.New("not found")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrRateLimited  = errors.New("rate limited")
	ErrConflict     = errors.New("conflict")
	ErrBadRequest   = errors.New("bad request")
	ErrServer       = errors.New("server error")
	// ErrUnreachable matches a request that never got an HTTP answer.
	ErrUnreachable = errors.New("server unreachable")
	// ErrMalformed matches a response body that could not be decoded.
	ErrMalformed = errors.New("malformed response")
	// ErrReadOnly is returned, before anything is sent, for a write made by a
	// client in read-only mode.
	ErrReadOnly = errors.New("read-only mode: writes are disabled")
	// ErrNotSent matches a write that failed before it was sent (its auth
	// could not be settled): the server cannot have carried it out.
	ErrNotSent = errors.New("not sent")
	// ErrTooLarge matches an answer bigger than the client's body cap
	// (WithMaxBodyBytes). It matches ErrMalformed too: the answer was not read.
	ErrTooLarge = errors.New("answer too large")
	// ErrEmptyAnswer matches an empty or null answer where a JSON object (or
	// list) was expected. It matches ErrMalformed too.
	ErrEmptyAnswer = errors.New("empty answer")
	// ErrRedirect matches a redirect the client refused to follow: to another
	// origin, from https to http, or on a write or the key exchange.
	ErrRedirect = errors.New("redirect refused")
	// ErrPlainHTTP is returned by New for an http:// URL to a host that is
	// not this machine, unless WithAllowHTTP(true).
	ErrPlainHTTP = errors.New("plain http to a host that is not this machine")
)

// maxErrorBody bounds how much of an error body is kept and shown.
const maxErrorBody = 512

// APIError is a response with status >= 400.
type APIError struct {
	StatusCode int
	Method     string
	Path       string // request path and query, never the host's credentials
	// Message is Immuta's "message" when the body had one, else the body
	// itself, cut to maxErrorBody bytes.
	Message    string
	RetryAfter time.Duration // from Retry-After on 429/503, 0 when absent
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.StatusCode, msg)
}

// Is lets errors.Is(err, ErrNotFound) and friends work.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

// TransportError is a request that got no HTTP answer (DNS, refused,
// timeout, TLS). For a write it means the outcome is unknown.
type TransportError struct {
	Method, Path string
	// Err is the cause, kept whole so errors.As finds the *url.Error,
	// *net.OpError or TLS error inside (the *url.Error's URL has no user
	// info). Its own text may name the URL; Error and Detail do not.
	Err error
	msg string // Err as a user may see it: redacted, without the URL
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Method, e.Path, e.Detail())
}

// Detail says why there was no answer, without the method, path or URL,
// and with the key and token redacted.
func (e *TransportError) Detail() string {
	switch {
	case e.msg != "":
		return e.msg
	case e.Err == nil:
		return "no answer"
	}
	return e.Err.Error()
}
func (e *TransportError) Unwrap() error        { return e.Err }
func (e *TransportError) Is(target error) bool { return target == ErrUnreachable }

// TooLargeError is an answer bigger than the client's body cap. Reading
// stopped at the cap.
type TooLargeError struct {
	Method, Path string
	Limit        int64 // the cap, in bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s %s: answer larger than %s", e.Method, e.Path, FormatBytes(e.Limit))
}
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge || target == ErrMalformed }

// EmptyAnswerError is a 2xx answer that was empty or null where an object
// (or a list) was expected, so there is nothing to report from.
type EmptyAnswerError struct {
	Method, Path string
}

func (e *EmptyAnswerError) Error() string {
	return fmt.Sprintf("empty answer from %s %s", e.Method, e.Path)
}
func (e *EmptyAnswerError) Is(target error) bool {
	return target == ErrEmptyAnswer || target == ErrMalformed
}

// RedirectError is a redirect the client did not follow. Nothing was sent
// to Target.
type RedirectError struct {
	Method, Path string
	Target       string // where the server pointed, without user info or query
	Reason       string // why it was refused
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s %s: refused a redirect to %s: %s", e.Method, e.Path, e.Target, e.Reason)
}
func (e *RedirectError) Is(target error) bool { return target == ErrRedirect }

// ExchangeError is a failed key exchange (POST /bim/apikey/authenticate).
// Err says why: an *APIError, *TransportError, *DecodeError or
// *RedirectError.
type ExchangeError struct {
	Err error
}

func (e *ExchangeError) Error() string { return "key exchange failed: " + e.Err.Error() }
func (e *ExchangeError) Unwrap() error { return e.Err }

// AuthError is a request the key could not authenticate: Err is the 401
// the request got (nil when the request was never sent because no session
// token could be had), Tried the forms tried in order, and Exchange why the
// key exchange failed, when it did.
type AuthError struct {
	Method, Path string
	Err          error
	Tried        []AuthMode
	Exchange     error
}

func (e *AuthError) Error() string {
	var b strings.Builder
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		fmt.Fprintf(&b, "%s %s: not sent", e.Method, e.Path)
	}
	if len(e.Tried) > 1 {
		names := make([]string, len(e.Tried))
		for i, m := range e.Tried {
			names[i] = string(m)
		}
		fmt.Fprintf(&b, " (auth forms tried: %s)", strings.Join(names, ", "))
	}
	if e.Exchange != nil {
		b.WriteString("; " + e.Exchange.Error())
	}
	return b.String()
}

// Unwrap gives the 401 and the exchange failure, so errors.Is finds
// ErrUnauthorized and errors.As the exchange's cause.
func (e *AuthError) Unwrap() []error {
	var out []error
	for _, err := range []error{e.Err, e.Exchange} {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// FormatBytes writes n as a size for people: "64 MiB", "1.5 KiB", "300 B".
func FormatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f, i := float64(n), 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	s := strconv.FormatFloat(f, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + " " + units[i]
}

// DecodeError is a 2xx response whose body could not be decoded.
type DecodeError struct {
	Method, Path string
	Err          error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: malformed response: %v", e.Method, e.Path, e.Err)
}
func (e *DecodeError) Unwrap() error        { return e.Err }
func (e *DecodeError) Is(target error) bool { return target == ErrMalformed }

// errorMessage pulls a readable message out of an error body: hapi's
// {"message":...} when present, else the body itself. The text is redacted
// first (so a cut can never leave part of a secret behind), then made safe
// for a terminal (control characters and invalid UTF-8 replaced, runs of
// white space folded into one space) and bounded to maxErrorBody bytes.
func errorMessage(body []byte, redact func(string) string) string {
	msg := strings.TrimSpace(string(body))
	var hapi struct {
		Message json.RawMessage `json:"message"`
		Error   string          `json:"error"`
	}
	if json.Unmarshal(body, &hapi) == nil {
		var s string
		switch {
		case json.Unmarshal(hapi.Message, &s) == nil && strings.TrimSpace(s) != "":
			msg = s
		case len(hapi.Message) > 0 && string(hapi.Message) != "null" && string(hapi.Message) != `""`:
			msg = string(hapi.Message)
		case strings.TrimSpace(hapi.Error) != "":
			msg = hapi.Error
		}
	}
	if redact != nil {
		msg = redact(msg)
	}
	return bound(printable(msg))
}

// printable makes s safe to print on one terminal line.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// bound cuts s to at most maxErrorBody bytes, on a rune boundary, and marks
// the cut with "…".
func bound(s string) string {
	if len(s) <= maxErrorBody {
		return s
	}
	i := maxErrorBody
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
