// Package format turns server values into short, plain text that is safe to
// draw in a terminal: timestamps and ages, numbers, JSON on one line or
// indented, and text cut to a box. Whatever came from the server has been
// through views/safe in what these functions return.
package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/safe"
)

// timeLayouts are the forms ParseTime accepts, tried in order. RFC3339Nano
// also reads timestamps without fractions of a second.
var timeLayouts = []string{
	time.RFC3339Nano,                // 2021-10-01T14:23:05.123Z, 2021-10-01T14:23:05+02:00
	"2006-01-02T15:04:05.999999999", // no zone: UTC
	"2006-01-02 15:04:05",           // no zone: UTC
	"2006-01-02",                    // a bare date
}

// ParseTime reads the timestamps Immuta sends: RFC 3339 with or without
// fractions of a second, the same without a zone (taken as UTC), or a bare
// date. Surrounding space is ignored; it reports false for anything else.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Ago says how far t is from now in one short phrase: "just now" (within a
// minute either way), "5m ago", "3h ago", "2d ago", "2mo ago", "4y ago", or
// for a time still to come "in 3h" (a server clock ahead of ours). A month
// is 30 days and a year 365.
func Ago(t, now time.Time) string {
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

// When formats a server timestamp as "2021-10-01 14:23 (4y ago)", the time
// of day in now's zone. What ParseTime cannot read is shown as sent (made
// safe, trimmed); an empty s gives "".
func When(s string, now time.Time) string {
	t, ok := ParseTime(s)
	if !ok {
		return Inline(strings.TrimSpace(s))
	}
	return t.In(now.Location()).Format("2006-01-02 15:04") + " (" + Ago(t, now) + ")"
}

// Date is t's day in UTC, "2021-10-05": with Ago it makes the short
// "2021-10-05 (2y ago)" of a table cell.
func Date(t time.Time) string { return t.UTC().Format("2006-01-02") }

// Thousands writes n with comma separators: 1234567 gives "1,234,567".
func Thousands(n int64) string {
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

// IsNull reports whether raw is absent, blank or JSON null.
func IsNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// CompactJSON shows raw on one line exactly as JSON (a string keeps its
// quotes, null is "null"), safe to draw; "" when raw is blank. What is not
// JSON comes back as it is, made safe.
func CompactJSON(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if len(raw) > MaxInline {
		// Too long to read on one line anyway: its head, as sent.
		return Inline(string(raw))
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return safe.Line(string(raw))
	}
	return safe.Line(buf.String())
}

// JSONText shows a JSON value on one line for reading: a string as its text
// without quotes, "" for null or nothing, anything else as CompactJSON.
func JSONText(raw json.RawMessage) string {
	if IsNull(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return Inline(s)
	}
	return CompactJSON(raw)
}

// PrettyJSON indents raw JSON by two spaces, for a raw JSON view, and makes
// it safe to draw (newlines kept). What is not JSON comes back as it is,
// made safe.
func PrettyJSON(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(raw), "", "  "); err != nil {
		return safe.Block(string(raw))
	}
	return safe.Block(buf.String())
}

// ObjectLines turns a JSON object into "key: value" lines sorted by key,
// each value as JSONText. An empty object, null or nothing gives no lines;
// a value that is not an object comes back as one line of compact JSON
// (none for "" or []).
func ObjectLines(raw json.RawMessage) []string {
	if IsNull(raw) {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		if s := CompactJSON(raw); s != `""` && s != "[]" {
			return []string{s}
		}
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, Inline(k)+": "+JSONText(m[k]))
	}
	return out
}

// Clip cuts s to at most h lines of at most w cells each (styles are kept,
// nothing is padded). It returns "" when w or h is not positive.
func Clip(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// MaxInline bounds a one-line server value on screen, in bytes: what is
// longer is drawn from its head, marked with an ellipsis (the whole value
// stays in the raw JSON and in --json).
const MaxInline = 4 << 10

// Head is at most n bytes of s, cut at a character boundary, and whether
// anything was cut.
func Head(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	n = max(n, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// Inline is s made safe for one line and bounded by MaxInline.
func Inline(s string) string {
	h, cut := Head(s, MaxInline)
	if cut {
		return safe.Line(h) + "…"
	}
	return safe.Line(h)
}
