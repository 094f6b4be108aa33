package visibility

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

// Verdict is whether a user can see a source's data, and why, as a
// visibility report tells it.
type Verdict struct {
	CanSee bool
	// Why are the reasons the user cannot see the data; empty when they can.
	Why []string
	// Limits are what narrows what a user who can see gets: masked
	// columns, a row filter, a purpose rule.
	Limits []string
}

// Judge reads the verdict from a user's reports (the per-user call answers
// an array): any report that denies denies. who is the user's display
// name, "" for the caller.
//
// The report's fields, in the order they are told:
//   - denialReason: the server's own words; any text means denied.
//   - subscriptionPolicyMet false: the subscription policy leaves the user
//     out. Absent is unknown and says nothing.
//   - visibilities: the source has visibility values and the user has
//     none of them (userVisibilitiesCount 0, or noVisibilities on a source
//     that has values): every row is hidden. noVisibilities on a source
//     with no values (the seed's report) only means no row rule applies.
//   - hasPurposeRule: a purpose-based rule governs the source. With a
//     denial it is part of why; otherwise it is a limit (data shows only
//     while acting under an approved purpose).
func Judge(reports []apiclient.VisibilityReport, who string) Verdict {
	s := subject(who)
	var v Verdict
	add := func(list *[]string, line string) {
		if !slices.Contains(*list, line) {
			*list = append(*list, line)
		}
	}
	purpose := false
	masked := map[string]bool{}
	for _, r := range reports {
		if reason := strings.TrimSpace(r.DenialReason); reason != "" {
			add(&v.Why, "the server says: "+format.Inline(reason))
		}
		if r.SubscriptionPolicyMet != nil && !*r.SubscriptionPolicyMet {
			// Why lines follow "why " mid-sentence: "you", not "You".
			add(&v.Why, fmt.Sprintf("%s %s not meet the subscription policy (subscriptionPolicyMet: false)",
				s.obj(), s.verb("does", "do")))
		}
		if HidesEveryRow(r) {
			add(&v.Why, fmt.Sprintf("%s %s none of the source's %d visibility %s: every row is hidden (noVisibilities)",
				s.obj(), s.verb("has", "have"), r.DataSourceVisibilitiesCount, plural(r.DataSourceVisibilitiesCount, "value", "values")))
		}
		purpose = purpose || r.HasPurposeRule
		for _, c := range r.Masked {
			masked[c.Name] = true
		}
		if w := strings.TrimSpace(r.WhereClause); w != "" {
			add(&v.Limits, "rows are filtered (see Row filter)")
		}
	}
	v.CanSee = len(v.Why) == 0
	const purposeWords = "a purpose rule applies: the data shows only while acting under an approved purpose (hasPurposeRule)"
	if purpose {
		if v.CanSee {
			v.Limits = append(v.Limits, purposeWords)
		} else {
			v.Why = append(v.Why, purposeWords)
		}
	}
	if n := len(masked); n > 0 {
		v.Limits = append([]string{fmt.Sprintf("%d %s masked", n, plural(int64(n), "column is", "columns are"))}, v.Limits...)
	}
	return v
}

// HidesEveryRow reports the report of a user who has none of the values
// of a source that has visibility values (userVisibilitiesCount 0, or
// noVisibilities): every row is hidden from them. noVisibilities on a
// source with no values (the seed's report) only means no row rule
// applies. Judge, the report's page and the CLI read it the same way.
func HidesEveryRow(r apiclient.VisibilityReport) bool {
	return r.DataSourceVisibilitiesCount > 0 && (r.UserVisibilitiesCount <= 0 || r.NoVisibilities)
}

// Deny is v turned into "cannot see" for a reason the report does not
// carry (a pending access request, from the access list).
func (v Verdict) Deny(why string) Verdict {
	v.CanSee = false
	if !slices.Contains(v.Why, why) {
		v.Why = append(slices.Clone(v.Why), why)
	}
	return v
}

// WriteVerdict lays out v as the first lines of a page: a badge that says
// CAN SEE or CANNOT SEE in words (so NO_COLOR loses nothing), the sentence,
// then one line per reason. source is the source's display name.
func WriteVerdict(d *format.Doc, st *styles.Styles, v Verdict, who, source string) {
	st = orDefaultStyles(st)
	s := subject(who)
	source = orDefault(format.Inline(source), "this data source")
	if v.CanSee {
		d.Hang(0, 2, st.BadgeOK.Render("✓ CAN SEE")+" "+st.Bold.Render(fmt.Sprintf("%s can see %s", s.cap(), source)))
		for _, l := range v.Limits {
			d.Hang(2, 4, st.Label.Render("but ")+l)
		}
		return
	}
	d.Hang(0, 2, st.BadgeErr.Render("✗ CANNOT SEE")+" "+st.Bold.Render(fmt.Sprintf("%s cannot see %s", s.cap(), source)))
	for _, l := range v.Why {
		d.Hang(2, 4, st.Error.Render("why ")+l)
	}
}

// WriteVerdictPending is the verdict's place while there is none: the
// report is loading (err nil), or it failed.
func WriteVerdictPending(d *format.Doc, st *styles.Styles, who, source string, err error) {
	st = orDefaultStyles(st)
	s := subject(who)
	source = orDefault(format.Inline(source), "this data source")
	if err != nil {
		d.Hang(0, 2, st.BadgeWarn.Render("? VERDICT UNKNOWN")+" "+
			st.Error.Render(fmt.Sprintf("whether %s can see %s: the visibility report did not load (%s)",
				s.obj(), source, format.Inline(apiclient.Explain(err)))))
		return
	}
	d.Hang(0, 2, st.Muted.Render(fmt.Sprintf("… checking whether %s can see %s", s.obj(), source)))
}

// maxSQL bounds the SQL statement shown, in bytes (all of it stays in the
// raw JSON).
const maxSQL = 16 << 10

// RowFilter lays out the "Row filter" section: each report's whereClause,
// or that there is none.
func RowFilter(d *format.Doc, st *styles.Styles, reports []apiclient.VisibilityReport) {
	st = orDefaultStyles(st)
	d.Add(0, st.Section.Render("Row filter"))
	var seen []string
	for _, r := range reports {
		if w := strings.TrimSpace(r.WhereClause); w != "" && !slices.Contains(seen, w) {
			seen = append(seen, w)
			line := st.Label.Render("WHERE ") + format.Inline(w)
			if passesNothing(w) {
				line += st.Muted.Render("  (no row passes: every row is hidden)")
			}
			d.Hang(2, 6, line)
		}
	}
	if len(seen) == 0 {
		d.Add(2, st.Muted.Render("none: no whereClause filters the rows"))
	}
}

// SQLStatement lays out the "SQL statement" section, only for reports
// that have one.
func SQLStatement(d *format.Doc, st *styles.Styles, reports []apiclient.VisibilityReport) {
	st = orDefaultStyles(st)
	var seen []string
	for _, r := range reports {
		q := strings.TrimSpace(r.SQLStatement)
		if q == "" || slices.Contains(seen, q) {
			continue
		}
		if len(seen) == 0 {
			d.Blank()
			d.Add(0, st.Section.Render("SQL statement"))
		}
		seen = append(seen, q)
		h, cut := format.Head(q, maxSQL)
		// Wrapped at spaces where it can be (a long token still breaks).
		for _, l := range strings.Split(safe.Block(h), "\n") {
			d.Hang(2, 2, l)
		}
		if cut {
			d.Add(2, st.Muted.Render(fmt.Sprintf("… cut here (%d bytes in all; y shows the raw JSON)", len(q))))
		}
	}
}

// verb picks the verb's form for the subject: "does" for a user, "do" for
// you.
func (s subject) verb(third, second string) string {
	if format.Inline(string(s)) == "" {
		return second
	}
	return third
}

// passesNothing reports a row filter that no row passes ("1 = 0"), as a
// server writes it for a user with none of the values a row rule needs.
func passesNothing(where string) bool {
	w := strings.ToLower(strings.Join(strings.Fields(where), ""))
	return w == "1=0" || w == "0=1" || w == "false" || w == "(1=0)"
}
