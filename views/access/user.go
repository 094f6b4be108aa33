package access

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/reportpage"
	"github.com/dsbrowse/dsbrowse/views/visibility"
)

const (
	policyLabel = "loading policy info"
	reportLabel = "loading visibility report"
)

// UserModel shows what one user sees of a data source: who they are, their
// policyInfo (masking, visibilities, filters) and their visibility report.
// It is a report page (views/reportpage) of two requests made at once.
type UserModel = reportpage.Page[*userPage]

// userPage is what the user page loads and how it lays it out.
type userPage struct {
	sess    *views.Session
	name    string
	user    apiclient.AccessUser
	info    *reportpage.Request[*apiclient.PolicyInfo]
	reports *reportpage.Request[[]apiclient.VisibilityReport]
}

// NewUser makes the view of user on source id (named name).
func NewUser(sess *views.Session, id int64, name string, user apiclient.AccessUser) *UserModel {
	profile := user.Profile
	u := &userPage{sess: sess, name: name, user: user,
		info: reportpage.NewRequest(policyLabel, reportpage.Object(func(ctx context.Context, api views.API) (*apiclient.PolicyInfo, error) {
			return api.UserPolicyInfo(ctx, id, profile)
		})),
		reports: reportpage.NewRequest(reportLabel, func(ctx context.Context, api views.API) ([]apiclient.VisibilityReport, error) {
			return api.UserVisibilityReport(ctx, id, profile)
		}),
	}
	return reportpage.New(sess, u, u.info, u.reports)
}

// Title is the user's name.
func (m *userPage) Title() string {
	if n := format.Inline(m.user.Name); n != "" {
		return n
	}
	if n := format.Inline(m.user.Email); n != "" {
		return n
	}
	return fmt.Sprintf("profile %d", m.user.Profile)
}

// Layout lays out the page: readable, or the raw JSON.
func (m *userPage) Layout(d *format.Doc, raw bool) {
	if raw {
		m.rawJSON(d)
	} else {
		m.readable(d)
	}
}

// readable lays out the verdict first (can this user see the source, and
// why not), then who the user is, what is masked and filtered for them,
// the SQL statement, their policy info and the rest of their report.
func (m *userPage) readable(d *format.Doc) {
	st := m.sess.Styles
	u := m.user
	who := m.Title()
	info, _ := m.info.Value()
	infoErr := m.info.Err()
	reports, haveReports := m.reports.Value()
	reportErr := m.reports.Err()
	switch {
	case reportErr != nil:
		visibility.WriteVerdictPending(d, st, who, m.name, reportErr)
	case !haveReports:
		visibility.WriteVerdictPending(d, st, who, m.name, nil)
	case len(reports) == 0:
		d.Hang(0, 2, st.BadgeWarn.Render("? VERDICT UNKNOWN")+" "+st.Muted.Render("the server sent no visibility report for "+who))
	default:
		v := visibility.Judge(reports, who)
		// Some reports carry none of the why fields (the seed's): a
		// member whose request still waits cannot see, whatever they say.
		if state := strings.ToLower(strings.TrimSpace(u.State)); v.CanSee && (state == "pending" || state == "denied") {
			v = v.Deny(fmt.Sprintf("%s's access is %s in the access list, not approved", who, format.Inline(state)))
		}
		visibility.WriteVerdict(d, st, v, who, m.name)
	}

	d.Blank()
	d.Add(0, st.Title.Render(who))
	field := func(label, value string) {
		d.Add(2, st.Label.Render(fmt.Sprintf("%-9s", label))+" "+st.Value.Render(value))
	}
	if e := format.Inline(u.Email); e != "" {
		field("Email", e)
	}
	field("State", orDash(format.Inline(u.State)))
	field("Approved", yesNo(u.Approved))
	if t := format.Inline(u.Type); t != "" {
		field("Type", t)
	}
	field("Profile", fmt.Sprintf("%d", u.Profile))
	if t, ok := format.ParseTime(u.CreatedAt); ok {
		field("Since", format.Date(t)+" ("+format.Ago(t, m.sess.Clock())+")")
	}

	// stub is a section with nothing to show yet: its title and why.
	stub := func(title, why string) {
		d.Add(0, st.Section.Render(title))
		d.Add(2, why)
	}
	loading := st.Muted.Render("loading…")

	// Masked columns: the policy info's (it names the action); the
	// report's when the policy info is not there.
	d.Blank()
	infoFailed := func() string { return st.Error.Render("could not load the policy info: " + explain(infoErr)) }
	switch {
	case info != nil && (len(info.Masked) > 0 || len(reports) == 0 || len(reports[0].Masked) == 0):
		visibility.MaskedColumns(d, st, info.Masked, "no columns are masked for this user")
	case haveReports && len(reports) > 0:
		visibility.MaskedColumns(d, st, reports[0].Masked, "no columns are masked for this user")
		if infoErr != nil {
			d.Add(2, infoFailed())
		}
	case infoErr != nil:
		stub("Masked columns", infoFailed())
	default:
		stub("Masked columns", loading)
	}

	// Row filter and SQL statement, from the report.
	d.Blank()
	switch {
	case haveReports:
		visibility.RowFilter(d, st, reports)
		visibility.SQLStatement(d, st, reports)
	case reportErr != nil:
		stub("Row filter", st.Muted.Render("unknown: the visibility report did not load"))
	default:
		stub("Row filter", loading)
	}

	// The rest of the policy info.
	if in := info; in != nil {
		d.Blank()
		d.Add(0, st.Section.Render("Visibilities"))
		if in.VisibilityRuleApplies {
			d.Add(2, st.Warning.Render("a visibility rule applies to "+who+": some rows may be hidden"))
		} else {
			d.Add(2, "no visibility rule applies to "+who)
		}
		if vs := listLines(in.Visibilities); len(vs) == 0 {
			d.Add(2, st.Label.Render("visibility values: ")+st.Muted.Render("none"))
		} else {
			d.Add(2, st.Label.Render("visibility values:"))
			for _, v := range vs {
				d.Add(4, "• "+v)
			}
		}
		d.Blank()
		visibility.AdditionalFilters(d, st, in.AdditionalFilters)
	}

	// The rest of the visibility report.
	d.Blank()
	d.Add(0, st.Section.Render("Visibility report"))
	switch {
	case reportErr != nil:
		d.Add(2, st.Error.Render("could not load the visibility report: "+explain(reportErr)))
	case !haveReports:
		d.Add(2, loading)
	case len(reports) == 0:
		d.Add(2, st.Muted.Render("the server sent no report for this user"))
	default:
		for i, r := range reports {
			if len(reports) > 1 {
				if i > 0 {
					d.Blank()
				}
				d.Add(0, st.Muted.Render(fmt.Sprintf("report %d of %d", i+1, len(reports))))
			}
			d.Append(strings.Split(visibility.RenderRest(st, r, d.Width(), m.sess.Clock(), who), "\n")...)
		}
	}
	if infoErr != nil || reportErr != nil {
		d.Blank()
		d.Add(0, reportpage.RetryHint(m.sess))
	}
}

// explain is err in plain words on one line.
func explain(err error) string {
	if err == nil {
		return ""
	}
	return format.Inline(apiclient.Explain(err))
}

// rawJSON lays out what the server sent.
func (m *userPage) rawJSON(d *format.Doc) {
	st := m.sess.Styles
	d.Add(0, reportpage.RawHint(m.sess, "Raw JSON"))
	section := func(title string, v any, have bool) {
		d.Add(0, st.Section.Render(title))
		if !have {
			d.Add(0, st.Muted.Render("not loaded"))
			return
		}
		b, _ := json.Marshal(v)
		d.Hard(0, format.PrettyJSON(b))
	}
	info, _ := m.info.Value()
	d.Blank()
	section("policyInfo", info, info != nil)
	d.Blank()
	reports, have := m.reports.Value()
	section("visibilityReport", reports, have)
}

// listLines reads a JSON array (visibilities) as one line per element.
func listLines(raw json.RawMessage) []string {
	if format.IsNull(raw) {
		return nil
	}
	raw = bytes.TrimSpace(raw)
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		if s := string(raw); s != "{}" && s != `""` {
			return []string{format.Inline(s)}
		}
		return nil
	}
	outs := make([]string, 0, len(items))
	for _, it := range items {
		outs = append(outs, format.JSONText(it))
	}
	return outs
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
