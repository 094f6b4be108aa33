package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// Explain says in plain words what went wrong, for a status line. It never
// includes the API key (errors from this package have it redacted already).
func Explain(err error) string { return ExplainAt(err, "") }

// ExplainAt is Explain for a reader who cannot see which server or request
// failed, as on the command line. When host (the tenant URL) is not empty,
// it is named where Explain says "the server", and a request the server
// could not find, failed on or answered unreadably is named by its method
// and path (without the query), an unreadable answer with what was wrong.
func ExplainAt(err error, host string) string {
	if err == nil {
		return ""
	}
	server, by := "the server", ""
	if host != "" {
		server, by = host, " by "+host
	}
	// request names a failed request when host is named: "GET /dataSource/22".
	request := func(method, path string) string {
		if host == "" {
			return ""
		}
		p, _, _ := strings.Cut(path, "?")
		return method + " " + p
	}
	var (
		ae   *APIError
		de   *DecodeError
		aue  *AuthError
		xe   *ExchangeError
		re   *RedirectError
		tle  *TooLargeError
		empt *EmptyAnswerError
	)
	switch {
	case errors.Is(err, ErrReadOnly):
		return "read-only mode: writes are disabled"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &aue):
		msg := "the key exchange failed, so nothing was sent"
		if aue.Err != nil {
			msg = ExplainAt(aue.Err, host)
		}
		if len(aue.Tried) > 1 {
			names := make([]string, len(aue.Tried))
			for i, m := range aue.Tried {
				names[i] = string(m)
			}
			msg += " (tried the key as: " + strings.Join(names, ", ") + ")"
		}
		if errors.As(aue.Exchange, &xe) {
			msg += "; key exchange: " + ExplainAt(xe.Err, host)
		}
		return msg
	case errors.As(err, &xe):
		return "the key exchange failed: " + ExplainAt(xe.Err, host)
	case errors.As(err, &re):
		return "refused to follow " + server + "'s redirect to " + re.Target + ": " + re.Reason
	case errors.As(err, &tle):
		if req := request(tle.Method, tle.Path); req != "" {
			return fmt.Sprintf("%s sent an answer to %s larger than %s; nothing was read past that", server, req, FormatBytes(tle.Limit))
		}
		return fmt.Sprintf("%s sent an answer larger than %s", server, FormatBytes(tle.Limit))
	case errors.As(err, &empt):
		if req := request(empt.Method, empt.Path); req != "" {
			return server + " sent an empty answer to " + req
		}
		return server + " sent an empty answer"
	case errors.As(err, &ae):
		detail := ""
		if ae.Message != "" && ae.Message != http.StatusText(ae.StatusCode) {
			detail = ": " + ae.Message
		}
		req := request(ae.Method, ae.Path)
		switch {
		case ae.StatusCode == http.StatusUnauthorized:
			return "the API key was rejected (401)" + by + detail
		case ae.StatusCode == http.StatusForbidden:
			return "permission denied (403)" + by + detail
		case ae.StatusCode == http.StatusNotFound && req != "":
			return "not found (404): " + req + detail
		case ae.StatusCode == http.StatusNotFound:
			return "not found (404)" + detail
		case ae.StatusCode == http.StatusTooManyRequests:
			return "rate limited by " + server + " (429): try again shortly" + detail
		case ae.StatusCode == http.StatusConflict:
			return "conflict (409)" + detail
		case ae.StatusCode >= 500 && req != "":
			return fmt.Sprintf("%s failed (%d) on %s%s", server, ae.StatusCode, req, detail)
		case ae.StatusCode >= 500:
			return fmt.Sprintf("%s failed (%d)%s", server, ae.StatusCode, detail)
		default:
			return fmt.Sprintf("%s refused the request (%d)%s", server, ae.StatusCode, detail)
		}
	case errors.Is(err, ErrUnreachable):
		var te *TransportError
		if errors.As(err, &te) {
			msg := te.Detail()
			var ne net.Error
			if errors.Is(te.Err, context.DeadlineExceeded) || (errors.As(te.Err, &ne) && ne.Timeout()) {
				return server + " did not answer in time"
			}
			return "cannot reach " + server + ": " + msg
		}
		return "cannot reach " + server
	case errors.Is(err, ErrMalformed):
		if errors.As(err, &de) {
			if req := request(de.Method, de.Path); req != "" {
				return server + " sent a response to " + req + " that dsbrowse cannot read: " + de.Err.Error()
			}
		}
		return server + " sent a response dsbrowse cannot read"
	}
	return err.Error()
}
