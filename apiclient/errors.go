package apiclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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
	Err          error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}
func (e *TransportError) Unwrap() error        { return e.Err }
func (e *TransportError) Is(target error) bool { return target == ErrUnreachable }

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
