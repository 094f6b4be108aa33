package detail

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/format"
)

// Server values in words for the detail page: policy handlers, subscription
// policies, creators. Every function here returns text that has been
// through views/safe; the generic formats are in views/format.

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
	return format.Inline(strings.Join(out, "."))
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
	return format.Inline(b.String())
}

// policyHandler names the policy handler: "Builder (handler 55)".
func policyHandler(typ string, raw json.RawMessage) string {
	out := format.Inline(strings.TrimSpace(typ))
	var h struct {
		HandlerID json.RawMessage `json:"handlerId"`
	}
	if !format.IsNull(raw) && json.Unmarshal(raw, &h) == nil && !format.IsNull(h.HandlerID) {
		id := format.JSONText(h.HandlerID)
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
	return format.Inline(s)
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
			out = append(out, "Policy type "+format.Inline(t))
		}
	case *p.AutomaticSubscription:
		out = append(out, "Anyone can subscribe; access is granted automatically")
	default:
		out = append(out, "Subscribing needs approval")
	}
	if t := strings.TrimSpace(p.Type); t != "" && t != "subscription" && p.AutomaticSubscription != nil {
		out = append(out, "Policy type "+format.Inline(t))
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
	if format.IsNull(raw) {
		return ""
	}
	var ex struct {
		Operator   string            `json:"operator"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	raw = bytes.TrimSpace(raw)
	if raw[0] == '[' {
		if json.Unmarshal(raw, &ex.Conditions) != nil {
			return format.JSONText(raw)
		}
	} else if json.Unmarshal(raw, &ex) != nil {
		return format.JSONText(raw)
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
		return format.JSONText(raw)
	}
	var typ string
	_ = json.Unmarshal(c["type"], &typ)
	name := func(key string, fields ...string) string {
		v := c[key]
		if format.IsNull(v) {
			return ""
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			return format.Inline(s)
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(v, &m) != nil {
			return format.JSONText(v)
		}
		for _, f := range fields {
			if !format.IsNull(m[f]) {
				return format.JSONText(m[f])
			}
		}
		return format.JSONText(v)
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
			return "users with attribute " + format.Inline(a.Auth) + "=" + format.Inline(a.Value)
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
		return format.JSONText(raw)
	}
	return format.Inline(typ) + " " + format.JSONText(raw)
}
