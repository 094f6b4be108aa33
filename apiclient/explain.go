package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Explain says in plain words what went wrong, for a status line or a CLI
// error. It never includes the API key (errors from this package have it
// redacted already).
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var ae *APIError
	switch {
	case errors.Is(err, ErrReadOnly):
		return "read-only mode: writes are disabled"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &ae):
		detail := ""
		if ae.Message != "" && ae.Message != http.StatusText(ae.StatusCode) {
			detail = ": " + ae.Message
		}
		switch {
		case ae.StatusCode == http.StatusUnauthorized:
			return "the API key was rejected (401)" + detail
		case ae.StatusCode == http.StatusForbidden:
			return "permission denied (403)" + detail
		case ae.StatusCode == http.StatusNotFound:
			return "not found (404)" + detail
		case ae.StatusCode == http.StatusTooManyRequests:
			return "rate limited by the server (429): try again shortly" + detail
		case ae.StatusCode == http.StatusConflict:
			return "conflict (409)" + detail
		case ae.StatusCode >= 500:
			return fmt.Sprintf("the server failed (%d)%s", ae.StatusCode, detail)
		default:
			return fmt.Sprintf("the server refused the request (%d)%s", ae.StatusCode, detail)
		}
	case errors.Is(err, ErrUnreachable):
		var te *TransportError
		if errors.As(err, &te) {
			msg := te.Err.Error()
			if strings.Contains(msg, "timed out") || errors.Is(te.Err, context.DeadlineExceeded) {
				return "the server did not answer in time"
			}
			return "cannot reach the server: " + msg
		}
		return "cannot reach the server"
	case errors.Is(err, ErrMalformed):
		return "the server sent a response dsbrowse cannot read"
	}
	return err.Error()
}
