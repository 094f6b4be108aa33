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
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

// Render draws the caller's visibility report as readable text, at most
// width columns wide: the source, the visibility counts, masked columns,
// the row filter, the SQL statement, additional filters, masked joins and
// the decoded policySet. The verdict (Judge, WriteVerdict) goes above it.
func Render(st *styles.Styles, r apiclient.VisibilityReport, width int, now time.Time) string {
	return RenderFor(st, r, width, now, "")
}

// RenderFor is Render for another user's report: user (their display name)
// takes the place of "you". An empty user means the caller.
func RenderFor(st *styles.Styles, r apiclient.VisibilityReport, width int, now time.Time, user string) string {
	return render(st, r, width, now, user, true)
}

// RenderRest is RenderFor without the masked columns, row filter and SQL
// statement, for a page that shows those above the report.
func RenderRest(st *styles.Styles, r apiclient.VisibilityReport, width int, now time.Time, user string) string {
	return render(st, r, width, now, user, false)
}

func render(st *styles.Styles, r apiclient.VisibilityReport, width int, now time.Time, user string, full bool) string {
	st = orDefaultStyles(st)
	d := format.NewDoc(width)
	who := subject(user)

	name := format.Inline(r.DataSourceName)
	id := fmt.Sprintf("data source #%d", r.DataSource)
	if name != "" {
		d.Add(0, st.Title.Render(name)+st.Muted.Render("  "+id))
	} else {
		d.Add(0, st.Title.Render(id))
	}

	d.Blank()
	d.Add(0, st.Section.Render("Visibility"))
	d.Add(2, fmt.Sprintf("%s can see %d of %d visibility %s", who.cap(), r.UserVisibilitiesCount,
		r.DataSourceVisibilitiesCount, plural(r.DataSourceVisibilitiesCount, "value", "values")))
	switch {
	case HidesEveryRow(r):
		d.Add(2, st.Warning.Render(fmt.Sprintf("Every row is hidden from %s: no row has a value %s can see",
			who.obj(), who.obj())))
	case r.NoVisibilities:
		d.Add(2, st.Muted.Render("No visibility values apply: no rows are hidden by visibility"))
	case r.UserVisibilitiesCount < r.DataSourceVisibilitiesCount:
		hidden := r.DataSourceVisibilitiesCount - r.UserVisibilitiesCount
		d.Add(2, st.Warning.Render(fmt.Sprintf("Rows with the other %d %s are hidden from %s",
			hidden, plural(hidden, "value", "values"), who.obj())))
	default:
		d.Add(2, st.Muted.Render(fmt.Sprintf("Rows of every visibility value are visible to %s", who.obj())))
	}

	if full {
		d.Blank()
		MaskedColumns(d, st, r.Masked, "no columns are masked for "+who.obj())
		d.Blank()
		RowFilter(d, st, []apiclient.VisibilityReport{r})
		SQLStatement(d, st, []apiclient.VisibilityReport{r})
	}

	d.Blank()
	AdditionalFilters(d, st, r.AdditionalFilters)

	d.Blank()
	d.Add(0, st.Section.Render("Masked joins"))
	if r.AllowMaskedJoins {
		d.Add(2, "allowed: masked columns can be used to join tables")
	} else {
		d.Add(2, "not allowed: masked columns cannot be used to join tables")
	}

	d.Blank()
	renderPolicies(d, st, r.PolicySet, now, who)
	return d.String()
}

func renderPolicies(d *format.Doc, st *styles.Styles, set json.RawMessage, now time.Time, who subject) {
	// What is shown of a policy set that cannot be read, in bytes.
	const maxUnreadable = 16 << 10
	policies, err := apiclient.DecodePolicySet(set)
	if err != nil {
		d.Add(0, st.Section.Render("Policies"))
		d.Add(2, st.Error.Render("policySet could not be read: "+format.Inline(err.Error())))
		raw := bytes.TrimSpace(set)
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = string(raw)
		}
		h, cut := format.Head(s, maxUnreadable)
		for _, l := range strings.Split(safe.Block(h), "\n") {
			d.Hard(2, st.Muted.Render(l))
		}
		if cut {
			d.Add(2, st.Muted.Render(fmt.Sprintf("… cut here (%d bytes in all)", len(s))))
		}
		return
	}
	d.Add(0, st.Section.Render(fmt.Sprintf("Policies (%d)", len(policies))))
	if len(policies) == 0 {
		d.Add(2, st.Muted.Render("no policies apply to this source"))
		return
	}
	for i, p := range policies {
		if i > 0 {
			d.Blank()
		}
		if raw := bytes.TrimSpace(p.Raw); len(raw) > 0 && raw[0] != '{' {
			d.Add(0, st.Accent.Render("● ")+st.Error.Render(fmt.Sprintf("entry %d is not a policy: ", i+1))+format.CompactJSON(raw))
			continue
		}
		d.Hang(0, 2, policyHeading(st, p, now))
		if desc := format.Inline(p.Description); desc != "" && (p.Global == nil || desc != format.Inline(p.Global.Name)) {
			d.Add(4, st.Muted.Render(desc))
		}
		if len(p.Rules) == 0 {
			d.Add(4, st.Muted.Render("no rules"))
		}
		for _, rule := range p.Rules {
			d.Hang(4, 2, ruleLine(st, rule, who))
			if ex := exceptionSummary(rule.Exceptions); ex != "" {
				d.Hang(6, 2, st.Muted.Render(ex))
			}
		}
	}
}

func policyHeading(st *styles.Styles, p apiclient.Policy, now time.Time) string {
	name := ""
	if p.Global != nil {
		name = format.Inline(p.Global.Name)
	}
	if name == "" {
		name = format.Inline(p.Description)
	}
	if name == "" {
		name = strings.TrimSpace(format.Inline(p.Type) + " policy")
	}
	var details []string
	if g := p.Global; g != nil {
		if g.ID != 0 {
			details = append(details, fmt.Sprintf("global #%d", g.ID))
		} else {
			details = append(details, "global")
		}
		if g.Tag != "" {
			details = append(details, "tag "+format.Inline(g.Tag))
		}
		by := g.CreatedByName
		if by == "" {
			by = g.CreatedBy
		}
		if by != "" {
			details = append(details, "by "+format.Inline(by))
		}
		if t, ok := format.ParseTime(g.CreatedAt); ok {
			details = append(details, format.Ago(t, now))
		}
	} else {
		details = append(details, "local")
	}
	return st.Accent.Render("● ") + st.Bold.Render(name) + st.Muted.Render("  ("+strings.Join(details, ", ")+")")
}

func ruleLine(st *styles.Styles, rule apiclient.PolicyRule, who subject) string {
	parts := []string{orDefault(format.Inline(rule.Type), "rule")}
	c := rule.Config
	fields := joinFields(c.Fields)
	var what []string
	if mc := c.MaskingConfig; mc != nil && mc.Type != "" {
		s := format.Inline(mc.Type)
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
		what = append(what, "where "+format.Inline(p))
	}
	if len(what) == 0 {
		if raw := format.CompactJSON(c.Raw); raw != "" && raw != "{}" && raw != "null" {
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
		if f = format.Inline(f); f != "" {
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
		if !format.IsNull(v) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, format.Inline(k)+": "+format.JSONText(m[k]))
	}
	return strings.Join(out, ", ")
}

// exceptionSummary says in words who is exempt from a rule.
func exceptionSummary(raw json.RawMessage) string {
	if format.IsNull(raw) {
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
			return "except: " + format.CompactJSON(raw)
		}
	case []any:
		conds = t
	default:
		return "except: " + format.CompactJSON(raw)
	}
	if len(conds) == 0 {
		return ""
	}
	descs := make([]string, 0, len(conds))
	for _, c := range conds {
		descs = append(descs, describeCondition(c))
	}
	return "except " + strings.Join(descs, " "+format.Inline(op)+" ")
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
		return format.Inline(typ) + " " + compactAny(m)
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
				return format.Inline(t)
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
		return format.Inline(t)
	default:
		return compactAny(t)
	}
}

func compactAny(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return format.Inline(string(b))
}

// MaskedColumns lays out the "Masked columns (n)" section of a report or of
// a user's policy info: the columns as a table, or none (the words for no
// masked columns, "no columns are masked for you").
func MaskedColumns(d *format.Doc, st *styles.Styles, cols []apiclient.MaskedColumn, none string) {
	st = orDefaultStyles(st)
	d.Add(0, st.Section.Render(fmt.Sprintf("Masked columns (%d)", len(cols))))
	if len(cols) == 0 {
		d.Add(2, st.Muted.Render(none))
		return
	}
	for _, l := range maskedTable(st, cols, d.Width()-2) {
		d.Add(2, l)
	}
}

// AdditionalFilters lays out the "Additional filters" section of a report
// or of a user's policy info: a "key: value" line for each, or "none".
func AdditionalFilters(d *format.Doc, st *styles.Styles, filters json.RawMessage) {
	st = orDefaultStyles(st)
	d.Add(0, st.Section.Render("Additional filters"))
	fl := format.ObjectLines(filters)
	if len(fl) == 0 {
		d.Add(2, st.Muted.Render("none"))
	}
	for _, l := range fl {
		d.Add(2, l)
	}
}

// maskedTable lays out masked columns as aligned rows (column, masking type
// and, when any column has one, action) under a header, each line at most
// width columns wide.
func maskedTable(st *styles.Styles, cols []apiclient.MaskedColumn, width int) []string {
	withAction := false
	names := make([]string, len(cols))
	types := make([]string, len(cols))
	actions := make([]string, len(cols))
	nw, tw := ansi.StringWidth("COLUMN"), ansi.StringWidth("MASKING")
	for i, c := range cols {
		names[i] = orDefault(format.Inline(c.Name), "?")
		types[i] = orDefault(format.Inline(c.Type), "?")
		actions[i] = format.Inline(c.ActionType)
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

// orDefaultStyles lets the exported renderers take nil for the default
// styles.
func orDefaultStyles(st *styles.Styles) *styles.Styles {
	if st == nil {
		return styles.New(styles.Default)
	}
	return st
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
	if n := format.Inline(string(s)); n != "" {
		return n
	}
	return "you"
}

func (s subject) cap() string {
	if n := format.Inline(string(s)); n != "" {
		return n
	}
	return "You"
}
