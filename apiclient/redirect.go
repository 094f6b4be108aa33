package apiclient

// The key goes to the tenant's origin and nowhere else: which redirects are
// followed, and which plain-http hosts are allowed.

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is what net/http allows by default; ours replaces its check.
const maxRedirects = 10

// withRedirectPolicy returns a copy of h whose CheckRedirect keeps the key
// with the tenant. h itself is not changed (it may be shared).
func (c *Client) withRedirectPolicy(h *http.Client) *http.Client {
	cp := *h
	prev := h.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := c.checkRedirect(req, via); err != nil {
			return err
		}
		if prev != nil {
			return prev(req, via)
		}
		return nil
	}
	return &cp
}

// checkRedirect follows a redirect only for a read, and only to the same
// origin (scheme, host and port) as the tenant URL. Returning an error
// stops net/http before anything is sent to the target.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	refuse := func(reason string) error {
		return &RedirectError{Method: first.Method, Target: c.target(req.URL), Reason: reason}
	}
	switch {
	case strings.HasSuffix(first.URL.Path, authExchangePath):
		return refuse("the key exchange never follows a redirect (the API key is in its body)")
	case first.Method != http.MethodGet:
		return refuse("a write is never sent anywhere else")
	case req.URL.Scheme == "http" && c.baseURL.Scheme == "https":
		return refuse("it would leave https for plain http")
	case !sameOrigin(c.baseURL, req.URL):
		return refuse("it is not the tenant's origin " + c.target(c.baseURL))
	case len(via) >= maxRedirects:
		return refuse(fmt.Sprintf("stopped after %d redirects", maxRedirects))
	}
	return nil
}

// target names u for an error: scheme, host and path, without user info or
// query, redacted and safe to print.
func (c *Client) target(u *url.URL) string {
	return bound(printable(c.Redact(scrubURL(u.String()))))
}

// sameOrigin reports whether a and b have the same scheme, host and port
// (an absent port is the scheme's default).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(strings.TrimSuffix(a.Hostname(), "."), strings.TrimSuffix(b.Hostname(), ".")) &&
		port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// isLoopback reports whether host is this machine: localhost, 127.0.0.0/8
// or ::1.
func isLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// scrubURL drops the user info, query and fragment of a URL string.
func scrubURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(an unreadable URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
