// Package visibility shows the caller's visibility report for a data source
// and renders visibility reports for other views (the access user view).
package visibility

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/reportpage"
)

const loadLabel = "loading my visibility report"

// Model is the caller's own visibility report for one data source: a
// report page (views/reportpage) of one request.
type Model = reportpage.Page[*myReport]

// myReport is what the page loads and how it lays it out.
type myReport struct {
	sess   *views.Session
	name   string
	report *reportpage.Request[*apiclient.VisibilityReport]
}

// New makes the view for source id (name is shown while it loads).
func New(sess *views.Session, id int64, name string) *Model {
	r := &myReport{sess: sess, name: name, report: reportpage.NewRequest(loadLabel,
		reportpage.Object(func(ctx context.Context, api views.API) (*apiclient.VisibilityReport, error) {
			return api.MyVisibilityReport(ctx, id)
		}))}
	return reportpage.New(sess, r, r.report)
}

// Title is the breadcrumb.
func (m *myReport) Title() string { return "My visibility" }

// Layout lays out the verdict, then the report or its raw JSON.
func (m *myReport) Layout(d *format.Doc, raw bool) {
	st := m.sess.Styles
	name := format.Inline(m.name)
	if name == "" {
		name = "this data source"
	}
	report, _ := m.report.Value()
	err := m.report.Err()
	// The verdict leads, whatever else the page shows (the raw JSON is
	// what the server sent, nothing more).
	if !raw || report == nil {
		if report != nil {
			WriteVerdict(d, st, Judge([]apiclient.VisibilityReport{*report}, ""), "", name)
		} else {
			WriteVerdictPending(d, st, "", name, err)
		}
		d.Blank()
	}
	if err != nil {
		d.Add(0, st.Error.Render("Could not load your visibility report for "+name+": "+format.Inline(apiclient.Explain(err))))
		d.Add(0, reportpage.RetryHint(m.sess))
		d.Blank()
	}
	switch {
	case report == nil && m.report.Loading():
		d.Add(0, st.Muted.Render("Loading your visibility report for "+name+"…"))
	case report == nil:
	case raw:
		d.Add(0, reportpage.RawHint(m.sess, "Raw JSON of the report"))
		d.Blank()
		d.Hard(0, format.PrettyJSON(reportJSON(*report)))
	default:
		if m.report.Loading() {
			d.Add(0, st.Muted.Render("Reloading…"))
		}
		d.Append(strings.Split(Render(st, *report, d.Width(), m.sess.Clock()), "\n")...)
	}
}

func reportJSON(r apiclient.VisibilityReport) json.RawMessage {
	b, err := json.Marshal(r)
	if err != nil {
		return r.Raw
	}
	return b
}
