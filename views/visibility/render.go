package visibility

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/safe"
	"github.com/dsbrowse/dsbrowse/ui/styles"
)

// Render draws the caller's visibility report as readable text, at most
// width columns wide: the source, the visibility counts, masked columns,
// additional filters, masked joins and the decoded policySet.
func Render(st *styles.Styles, r apiclient.VisibilityReport, width int, now time.Time) string {
	return RenderFor(st, r, width, now, "")
}

// RenderFor is Render for another user's report: user (their display name)
// takes the place of "you". An empty user means the caller.
func RenderFor(st *styles.Styles, r apiclient.VisibilityReport, width int, now time.Time, user string) string {
	if st == nil {
		st = styles.New(styles.Default)
	}
	d := newDoc(width)
	who := subject(user)

	name := safe.Line(r.DataSourceName)
	id := fmt.Sprintf("data source #%d", r.DataSource)
	if name != "" {
		d.add(0, st.Title.Render(name)+st.Muted.Render("  "+id))
	} else {
		d.add(0, st.Title.Render(id))
	}

	d.blank()
	d.add(0, st.Section.Render("Visibility"))
	d.add(2, fmt.Sprintf("%s can see %d of %d visibility %s", who.cap(), r.UserVisibilitiesCount,
		r.DataSourceVisibilitiesCount, plural(r.DataSourceVisibilitiesCount, "value", "values")))
	switch {
	case r.NoVisibilities:
		d.add(2, st.Muted.Render("No visibility values apply: no rows are hidden by visibility"))
	case r.UserVisibilitiesCount < r.DataSourceVisibilitiesCount:
		hidden := r.DataSourceVisibilitiesCount - r.UserVisibilitiesCount
		d.add(2, st.Warning.Render(fmt.Sprintf("Rows with the other %d %s are hidden from %s",
			hidden, plural(hidden, "value", "values"), who.obj())))
	default:
		d.add(2, st.Muted.Render(fmt.Sprintf("Rows of every visibility value are visible to %s", who.obj())))
	}

	d.blank()
	d.add(0, st.Section.Render(fmt.Sprintf("Masked columns (%d)", len(r.Masked))))
	if len(r.Masked) == 0 {
		d.add(2, st.Muted.Render("no columns are masked for "+who.obj()))
	} else {
		for _, l := range MaskedTable(st, r.Masked, d.w-2) {
			d.add(2, l)
		}
	}

	d.blank()
	d.add(0, st.Section.Render("Additional filters"))
	if fl := FilterLines(r.AdditionalFilters); len(fl) == 0 {
		d.add(2, st.Muted.Render("none"))
	} else {
		for _, l := range fl {
			d.add(2, l)
		}
	}

	d.blank()
	d.add(0, st.Section.Render("Masked joins"))
	if r.AllowMaskedJoins {
		d.add(2, "allowed: masked columns can be used to join tables")
	} else {
		d.add(2, "not allowed: masked columns cannot be used to join tables")
	}

	d.blank()
	renderPolicies(d, st, r.PolicySet, now, who)
	return d.String()
}

func renderPolicies(d *doc, st *styles.Styles, set json.RawMessage, now time.Time, who subject) {
	policies, err := apiclient.DecodePolicySet(set)
	if err != nil {
		d.add(0, st.Section.Render("Policies"))
		d.add(2, st.Error.Render("policySet could not be read: "+safe.Line(err.Error())))
		raw := bytes.TrimSpace(set)
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = string(raw)
		}
		for _, l := range strings.Split(safe.Block(s), "\n") {
			d.hard(2, st.Muted.Render(l))
		}
		return
	}
	d.add(0, st.Section.Render(fmt.Sprintf("Policies (%d)", len(policies))))
	if len(policies) == 0 {
		d.add(2, st.Muted.Render("no policies apply to this source"))
		return
	}
	for i, p := range policies {
		if i > 0 {
			d.blank()
		}
		if raw := bytes.TrimSpace(p.Raw); len(raw) > 0 && raw[0] != '{' {
			d.add(0, st.Accent.Render("● ")+st.Error.Render(fmt.Sprintf("entry %d is not a policy: ", i+1))+compactJSON(raw))
			continue
		}
		d.hang(0, 2, policyHeading(st, p, now))
		if desc := safe.Line(p.Description); desc != "" && (p.Global == nil || desc != safe.Line(p.Global.Name)) {
			d.add(4, st.Muted.Render(desc))
		}
		if len(p.Rules) == 0 {
			d.add(4, st.Muted.Render("no rules"))
		}
		for _, rule := range p.Rules {
			d.hang(4, 2, ruleLine(st, rule, who))
			if ex := exceptionSummary(rule.Exceptions); ex != "" {
				d.hang(6, 2, st.Muted.Render(ex))
			}
		}
	}
}

func policyHeading(st *styles.Styles, p apiclient.Policy, now time.Time) string {
	name := ""
	if p.Global != nil {
		name = safe.Line(p.Global.Name)
	}
	if name == "" {
		name = safe.Line(p.Description)
	}
	if name == "" {
		name = strings.TrimSpace(safe.Line(p.Type) + " policy")
	}
	var details []string
	if g := p.Global; g != nil {
		if g.ID != 0 {
			details = append(details, fmt.Sprintf("global #%d", g.ID))
		} else {
			details = append(details, "global")
		}
		if g.Tag != "" {
			details = append(details, "tag "+safe.Line(g.Tag))
		}
		by := g.CreatedByName
		if by == "" {
			by = g.CreatedBy
		}
		if by != "" {
			details = append(details, "by "+safe.Line(by))
		}
		if t, ok := ParseTime(g.CreatedAt); ok {
			if a := Ago(now, t); a != "" {
				details = append(details, a)
			}
		}
	} else {
		details = append(details, "local")
	}
	return st.Accent.Render("● ") + st.Bold.Render(name) + st.Muted.Render("  ("+strings.Join(details, ", ")+")")
}

func ruleLine(st *styles.Styles, rule apiclient.PolicyRule, who subject) string {
	parts := []string{orDefault(safe.Line(rule.Type), "rule")}
	c := rule.Config
	fields := joinFields(c.Fields)
	var what []string
	if mc := c.MaskingConfig; mc != nil && mc.Type != "" {
		s := safe.Line(mc.Type)
		if meta := metaSummary(mc.Metadata); meta != "" {
			s += " (" + meta + ")"
		}
		if fields != "" {
			s += " on " + fields
		}
		what = append(what, s)
	} else if fields != "" {
		what = append(what, "on "+fields)
	}
	if p := strings.TrimSpace(c.Predicate); p != "" {
		what = append(what, "where "+safe.Line(p))
	}
	if len(what) == 0 {
		if raw := compactJSON(c.Raw); raw != "" && raw != "{}" && raw != "null" {
			what = append(what, "config "+raw)
		}
	}
	parts = append(parts, what...)
	line := strings.Join(parts, " · ")
	if rule.RuleAppliedForUser {
		return line + " · " + st.Warning.Render("applies to "+who.obj())
	}
	return line + " · " + st.Muted.Render("does not apply to "+who.obj())
}

func joinFields(fields []string) string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		if f = safe.Line(f); f != "" {
			out = append(out, f)
		}
	}
	return strings.Join(out, ", ")
}

// metaSummary lists the non-null entries of a masking metadata object.
func metaSummary(raw json.RawMessage) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if s := string(bytes.TrimSpace(v)); s != "null" && s != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, safe.Line(k)+": "+jsonValue(m[k]))
	}
	return strings.Join(out, ", ")
}

// exceptionSummary says in words who is exempt from a rule.
func exceptionSummary(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "has exceptions that could not be read"
	}
	op := "or"
	var conds []any
	switch t := v.(type) {
	case map[string]any:
		if s, ok := t["operator"].(string); ok && s != "" {
			op = strings.ToLower(s)
		}
		if cs, ok := t["conditions"].([]any); ok {
			conds = cs
		} else if _, ok := t["type"]; ok {
			conds = []any{t}
		} else if len(t) > 0 {
			return "except: " + compactJSON(raw)
		}
	case []any:
		conds = t
	default:
		return "except: " + compactJSON(raw)
	}
	if len(conds) == 0 {
		return ""
	}
	descs := make([]string, 0, len(conds))
	for _, c := range conds {
		descs = append(descs, describeCondition(c))
	}
	return "except " + strings.Join(descs, " "+safe.Line(op)+" ")
}

func describeCondition(c any) string {
	m, ok := c.(map[string]any)
	if !ok {
		return anyString(c)
	}
	typ, _ := m["type"].(string)
	switch strings.ToLower(typ) {
	case "groups", "group":
		return "members of group " + nameOf(m["group"], m["groups"])
	case "authorizations", "authorization", "attributes":
		a, _ := m["authorization"].(map[string]any)
		if a == nil {
			a, _ = m["attribute"].(map[string]any)
		}
		if a != nil {
			return fmt.Sprintf("users with attribute %s = %s", anyString(a["auth"]), anyString(a["value"]))
		}
	case "purposes", "purpose":
		return "users acting under purpose " + nameOf(m["purposes"], m["purpose"])
	case "permissions", "permission":
		return "users with permission " + nameOf(m["permission"], m["permissions"])
	}
	if typ != "" {
		return safe.Line(typ) + " " + compactAny(m)
	}
	return compactAny(m)
}

// nameOf finds a readable name in a string, a {name} object or a list of
// either.
func nameOf(vs ...any) string {
	for _, v := range vs {
		switch t := v.(type) {
		case string:
			if t != "" {
				return safe.Line(t)
			}
		case map[string]any:
			for _, k := range []string{"name", "auth", "value", "id"} {
				if s := anyString(t[k]); s != "" && t[k] != nil {
					return s
				}
			}
		case []any:
			var names []string
			for _, it := range t {
				if s := nameOf(it); s != "" {
					names = append(names, s)
				}
			}
			if len(names) > 0 {
				return strings.Join(names, ", ")
			}
		}
	}
	return "?"
}

func anyString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return safe.Line(t)
	default:
		return compactAny(t)
	}
}

func compactAny(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return safe.Line(string(b))
}

// FilterLines turns an additionalFilters object into "key: value" lines,
// sorted by key and safe to draw. It returns nil for an empty object, null
// or nothing; something that is not an object comes back as one line.
func FilterLines(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		if s := compactJSON(raw); s != `""` && s != "[]" {
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
		out = append(out, safe.Line(k)+": "+jsonValue(m[k]))
	}
	return out
}

// jsonValue shows a JSON string without its quotes and anything else as
// compact JSON.
func jsonValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return safe.Line(s)
	}
	return compactJSON(raw)
}

func compactJSON(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return safe.Line(string(raw))
	}
	return safe.Line(buf.String())
}

// MaskedTable lays out masked columns as aligned rows (column, masking type
// and, when any column has one, action) under a header, each line at most
// width columns wide.
func MaskedTable(st *styles.Styles, cols []apiclient.MaskedColumn, width int) []string {
	if st == nil {
		st = styles.New(styles.Default)
	}
	withAction := false
	names := make([]string, len(cols))
	types := make([]string, len(cols))
	actions := make([]string, len(cols))
	nw, tw := ansi.StringWidth("COLUMN"), ansi.StringWidth("MASKING")
	for i, c := range cols {
		names[i] = orDefault(safe.Line(c.Name), "?")
		types[i] = orDefault(safe.Line(c.Type), "?")
		actions[i] = safe.Line(c.ActionType)
		if actions[i] != "" {
			withAction = true
		}
		nw = max(nw, ansi.StringWidth(names[i]))
		tw = max(tw, ansi.StringWidth(types[i]))
	}
	width = max(width, 1)
	fixed := 2 + tw
	if withAction {
		fixed += 2 + ansi.StringWidth("ACTION")
		for _, a := range actions {
			fixed = max(fixed, 2+tw+2+ansi.StringWidth(a))
		}
	}
	if nw+fixed > width {
		// Too narrow for a table: each column on its own line, what is
		// done to it on the next.
		var out []string
		for i := range cols {
			out = append(out, ansi.Truncate(names[i], width, "…"))
			what := types[i]
			if actions[i] != "" {
				what += " · " + actions[i]
			}
			out = append(out, ansi.Truncate("  "+st.Muted.Render(what), width, "…"))
		}
		return out
	}
	row := func(n, t, a string) string {
		s := pad(n, nw) + "  " + pad(t, tw)
		if withAction {
			s += "  " + a
		}
		return ansi.Truncate(strings.TrimRight(s, " "), width, "…")
	}
	out := []string{st.Table.Header.Render(row("COLUMN", "MASKING", "ACTION"))}
	for i := range cols {
		out = append(out, row(names[i], types[i], actions[i]))
	}
	return out
}

// pad truncates s to w columns (with …) and pads it with spaces to w.
func pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	if n := w - ansi.StringWidth(s); n > 0 {
		s += strings.Repeat(" ", n)
	}
	return s
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// subject is who the report is about: "you" or a user's name.
type subject string

func (s subject) obj() string {
	if n := safe.Line(string(s)); n != "" {
		return n
	}
	return "you"
}

func (s subject) cap() string {
	if n := safe.Line(string(s)); n != "" {
		return n
	}
	return "You"
}

// ParseTime reads the timestamps Immuta sends (RFC 3339, with or without
// fractions, or a bare date).
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Ago is a short relative age ("3d ago"); empty for a time in the future.
func Ago(now, t time.Time) string {
	d := now.Sub(t)
	day := 24 * time.Hour
	switch {
	case d < 0:
		return ""
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < day:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	case d < 30*day:
		return fmt.Sprintf("%dd ago", int(d/day))
	case d < 365*day:
		return fmt.Sprintf("%dmo ago", int(d/(30*day)))
	default:
		return fmt.Sprintf("%dy ago", int(d/(365*day)))
	}
}

// doc collects lines wrapped to a width.
type doc struct {
	w     int
	lines []string
}

func newDoc(width int) *doc { return &doc{w: max(width, 1)} }

// add wraps s at word boundaries to fit after indent spaces.
func (d *doc) add(indent int, s string) { d.put(indent, ansi.Wrap(s, d.limit(indent), "")) }

// hang wraps s after indent spaces, its continuation lines indented by
// hang more, so that they read as part of the first.
func (d *doc) hang(indent, hang int, s string) {
	lines := strings.Split(ansi.Wrap(s, d.limit(indent+hang), ""), "\n")
	d.put(indent, lines[0])
	for _, l := range lines[1:] {
		d.put(indent+hang, l)
	}
}

// hard wraps s anywhere (for raw text without spaces).
func (d *doc) hard(indent int, s string) { d.put(indent, ansi.Hardwrap(s, d.limit(indent), true)) }

func (d *doc) limit(indent int) int { return max(d.w-indent, 1) }

func (d *doc) put(indent int, wrapped string) {
	prefix := ""
	if indent > 0 && d.w-indent >= 1 {
		prefix = strings.Repeat(" ", indent)
	}
	for _, l := range strings.Split(wrapped, "\n") {
		d.lines = append(d.lines, ansi.Truncate(prefix+l, d.w, ""))
	}
}

func (d *doc) blank() { d.lines = append(d.lines, "") }

func (d *doc) String() string { return strings.Join(d.lines, "\n") }
