package detail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/safe"
)

// Formatting of server values into plain, terminal-safe words. Every
// function here returns text that has been through safe.Line or safe.Block.

// parseTime reads the timestamps Immuta sends (RFC 3339 with milliseconds),
// and a bare date.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// when formats a timestamp as "2021-10-01 14:23 (4y ago)" in now's time
// zone. What cannot be parsed is shown as sent.
func when(s string, now time.Time) string {
	t, ok := parseTime(s)
	if !ok {
		return safe.Line(strings.TrimSpace(s))
	}
	return t.In(now.Location()).Format("2006-01-02 15:04") + " (" + relative(t, now) + ")"
}

// relative says how far t is from now: "4y ago", "3h ago", "in 2mo".
func relative(t, now time.Time) string {
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	const day = 24 * time.Hour
	var n string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		n = fmt.Sprintf("%dm", int(d/time.Minute))
	case d < day:
		n = fmt.Sprintf("%dh", int(d/time.Hour))
	case d < 30*day:
		n = fmt.Sprintf("%dd", int(d/day))
	case d < 365*day:
		n = fmt.Sprintf("%dmo", int(d/(30*day)))
	default:
		n = fmt.Sprintf("%dy", int(d/(365*day)))
	}
	if future {
		return "in " + n
	}
	return n + " ago"
}

// thousands writes n with comma separators: 1234567 → "1,234,567".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// yesNo renders an optional boolean.
func yesNo(b *bool, yes, no string) string {
	if b == nil {
		return ""
	}
	if *b {
		return yes
	}
	return no
}

// dotted joins the non-empty parts with ".": schema.table.
func dotted(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return safe.Line(strings.Join(out, "."))
}

// humanize turns a statusInfo key into words: "highCardinality" → "high
// cardinality".
func humanize(k string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range k {
		if unicode.IsUpper(r) && prev != 0 && unicode.IsLower(prev) {
			b.WriteByte(' ')
			b.WriteRune(unicode.ToLower(r))
		} else if r == '_' || r == '-' {
			b.WriteByte(' ')
		} else {
			b.WriteRune(r)
		}
		prev = r
	}
	return safe.Line(b.String())
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// compactJSON shows a JSON value on one line: a string as its text, anything
// else compacted. Empty for null.
func compactJSON(raw json.RawMessage) string {
	if isNull(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return safe.Line(s)
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return safe.Line(string(raw))
	}
	return safe.Line(buf.String())
}

// policyHandler names the policy handler: "Builder (handler 55)".
func policyHandler(typ string, raw json.RawMessage) string {
	out := safe.Line(strings.TrimSpace(typ))
	var h struct {
		HandlerID json.RawMessage `json:"handlerId"`
	}
	if !isNull(raw) && json.Unmarshal(raw, &h) == nil && !isNull(h.HandlerID) {
		id := compactJSON(h.HandlerID)
		if out == "" {
			return "handler " + id
		}
		return out + " (handler " + id + ")"
	}
	return out
}

// createdBy says who created a source: a number is a profile id.
func createdBy(f apiclient.FlexString) string {
	s := strings.TrimSpace(string(f))
	if s == "" {
		return ""
	}
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return "profile " + s
	}
	return safe.Line(s)
}

// policyWords describes a subscription policy in sentences, one per line.
func policyWords(p *apiclient.SubscriptionPolicy) []string {
	if p == nil {
		return nil
	}
	var out []string
	switch {
	case p.AutomaticSubscription == nil:
		if t := strings.TrimSpace(p.Type); t != "" {
			out = append(out, "Policy type "+safe.Line(t))
		}
	case *p.AutomaticSubscription:
		out = append(out, "Anyone can subscribe; access is granted automatically")
	default:
		out = append(out, "Subscribing needs approval")
	}
	if t := strings.TrimSpace(p.Type); t != "" && t != "subscription" && p.AutomaticSubscription != nil {
		out = append(out, "Policy type "+safe.Line(t))
	}
	if ex := exceptionWords(p.Exceptions); ex != "" {
		out = append(out, "except: "+ex)
	}
	if p.AllowDiscovery != nil {
		if *p.AllowDiscovery {
			out = append(out, "Users without access can still discover it")
		} else {
			out = append(out, "Hidden from users without access")
		}
	}
	return out
}

// exceptionWords reads {"operator":"and","conditions":[...]} (or a bare list
// of conditions) into words: "members of group alpha and ...".
func exceptionWords(raw json.RawMessage) string {
	if isNull(raw) {
		return ""
	}
	var ex struct {
		Operator   string            `json:"operator"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	raw = bytes.TrimSpace(raw)
	if raw[0] == '[' {
		if json.Unmarshal(raw, &ex.Conditions) != nil {
			return compactJSON(raw)
		}
	} else if json.Unmarshal(raw, &ex) != nil {
		return compactJSON(raw)
	}
	if len(ex.Conditions) == 0 {
		return ""
	}
	parts := make([]string, 0, len(ex.Conditions))
	for _, c := range ex.Conditions {
		parts = append(parts, conditionWords(c))
	}
	sep := " and "
	if strings.EqualFold(strings.TrimSpace(ex.Operator), "or") {
		sep = " or "
	}
	return strings.Join(parts, sep)
}

// conditionWords describes one exception condition.
func conditionWords(raw json.RawMessage) string {
	var c map[string]json.RawMessage
	if json.Unmarshal(raw, &c) != nil {
		return compactJSON(raw)
	}
	var typ string
	_ = json.Unmarshal(c["type"], &typ)
	name := func(key string, fields ...string) string {
		v := c[key]
		if isNull(v) {
			return ""
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			return safe.Line(s)
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(v, &m) != nil {
			return compactJSON(v)
		}
		for _, f := range fields {
			if !isNull(m[f]) {
				return compactJSON(m[f])
			}
		}
		return compactJSON(v)
	}
	switch strings.ToLower(typ) {
	case "groups", "group":
		if n := name("group", "name", "id"); n != "" {
			return "members of group " + n
		}
	case "authorizations", "authorization", "attributes", "attribute":
		var a struct {
			Auth  string `json:"auth"`
			Value string `json:"value"`
		}
		if json.Unmarshal(c["authorization"], &a) == nil && a.Auth != "" {
			return "users with attribute " + safe.Line(a.Auth) + "=" + safe.Line(a.Value)
		}
	case "purposes", "purpose":
		if n := name("purpose", "name", "id"); n != "" {
			return "users acting under purpose " + n
		}
	case "users", "user":
		if n := name("user", "name", "userid", "email", "profile"); n != "" {
			return "user " + n
		}
	}
	if typ == "" {
		return compactJSON(raw)
	}
	return safe.Line(typ) + " " + compactJSON(raw)
}

// prettyJSON indents raw for the raw JSON view and makes it safe to draw.
func prettyJSON(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return safe.Block(string(raw))
	}
	return safe.Block(buf.String())
}
