package visibility

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/styles"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func TestJudge(t *testing.T) {
	for _, c := range []struct {
		name, js string
		canSee   bool
		why      []string // substrings, in order
		limits   []string
	}{
		{"nothing says no", `{"subscriptionPolicyMet":true}`, true, nil, nil},
		{"absent fields are not a denial", `{}`, true, nil, nil},
		{"seed: no values at all", `{"noVisibilities":true,"dataSourceVisibilitiesCount":0,"userVisibilitiesCount":0}`, true, nil, nil},
		{"denial reason", `{"denialReason":"  expired  "}`, false, []string{"the server says: expired"}, nil},
		{"blank denial reason", `{"denialReason":"   "}`, true, nil, nil},
		{"policy not met", `{"subscriptionPolicyMet":false}`, false, []string{"Jo does not meet the subscription policy"}, nil},
		{"no visibilities", `{"noVisibilities":true,"dataSourceVisibilitiesCount":1}`, false, []string{"Jo has none of the source's 1 visibility value:"}, nil},
		{"zero of several values", `{"dataSourceVisibilitiesCount":3,"userVisibilitiesCount":0}`, false, []string{"none of the source's 3 visibility values"}, nil},
		{"purpose rule with a denial", `{"denialReason":"x","hasPurposeRule":true}`, false, []string{"the server says: x", "a purpose rule applies"}, nil},
		{"purpose rule alone limits", `{"hasPurposeRule":true}`, true, nil, []string{"a purpose rule applies"}},
		{"every reason at once", `{"denialReason":"r","subscriptionPolicyMet":false,"noVisibilities":true,"dataSourceVisibilitiesCount":2,"hasPurposeRule":true}`,
			false, []string{"the server says: r", "subscription policy", "visibility values", "purpose rule"}, nil},
		{"limits", `{"masked":[{"name":"A"},{"name":"B"}],"whereClause":"x = 1","dataSourceVisibilitiesCount":2,"userVisibilitiesCount":1}`,
			true, nil, []string{"2 columns are masked", "rows are filtered"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := Judge([]apiclient.VisibilityReport{report(t, c.js)}, "Jo")
			if v.CanSee != c.canSee || len(v.Why) != len(c.why) || len(v.Limits) != len(c.limits) {
				t.Fatalf("%+v", v)
			}
			for i, w := range c.why {
				if !strings.Contains(v.Why[i], w) {
					t.Errorf("why[%d] = %q, want %q", i, v.Why[i], w)
				}
			}
			for i, w := range c.limits {
				if !strings.Contains(v.Limits[i], w) {
					t.Errorf("limits[%d] = %q, want %q", i, v.Limits[i], w)
				}
			}
		})
	}
	if v := Judge(nil, ""); !v.CanSee {
		t.Errorf("no report: %+v", v)
	}
	if v := Judge([]apiclient.VisibilityReport{report(t, `{"subscriptionPolicyMet":false}`)}, ""); !strings.HasPrefix(v.Why[0], "you do not meet") {
		t.Errorf("the caller: %q", v.Why[0])
	}
}

// Without colour (NO_COLOR) the verdict still reads: the badge is words.
func TestWriteVerdictNoColor(t *testing.T) {
	nc := styles.New(styles.NoColor)
	for _, c := range []struct {
		js, want string
	}{
		{`{"denialReason":"nope"}`, "✗ CANNOT SEE  You cannot see Sales"},
		{`{}`, "✓ CAN SEE  You can see Sales"},
	} {
		d := format.NewDoc(60)
		WriteVerdict(d, nc, Judge([]apiclient.VisibilityReport{report(t, c.js)}, ""), "", "Sales")
		if got := strings.TrimSpace(ansi.Strip(d.Lines()[0])); got != c.want {
			t.Errorf("first line %q, want %q", got, c.want)
		}
	}
	d := format.NewDoc(60)
	WriteVerdictPending(d, nc, "", "Sales", errors.New("boom"))
	if !strings.Contains(ansi.Strip(d.String()), "? VERDICT UNKNOWN") {
		t.Errorf("unknown: %q", d.String())
	}
}

// The caller's own page leads with the verdict too.
func TestMyVisibilityLeadsWithTheVerdict(t *testing.T) {
	for _, c := range []struct{ js, first, also string }{
		{`{"dataSource":16,"dataSourceName":"Web Sales","subscriptionPolicyMet":false,"whereClause":"a = 1","sqlStatement":"SELECT 1"}`,
			"✗ CANNOT SEE  You cannot see Web Sales", "you do not meet the subscription policy (subscriptionPolicyMet: false)"},
		{`{"dataSource":16,"dataSourceName":"Web Sales","whereClause":"a = 1","sqlStatement":"SELECT 1"}`,
			"✓ CAN SEE  You can see Web Sales", "but rows are filtered"},
	} {
		r := report(t, c.js)
		m := New(testCtx(&fakeAPI{next: func(int) (*apiclient.VisibilityReport, error) { return &r, nil }}), 16, "Web Sales")
		m.SetSize(100, 40)
		cmd := m.Init()
		if first := strings.Split(m.View(), "\n")[0]; !strings.Contains(first, "checking whether you can see Web Sales") {
			t.Errorf("loading: %q", first)
		}
		deliver(m, cmd)
		out := m.View()
		if first := strings.TrimSpace(strings.Split(out, "\n")[0]); first != c.first {
			t.Errorf("first line %q, want %q", first, c.first)
		}
		for _, w := range []string{c.also, "Row filter", "WHERE a = 1", "SQL statement", "SELECT 1"} {
			if !strings.Contains(out, w) {
				t.Errorf("missing %q in\n%s", w, out)
			}
		}
	}
}

func TestRowFilterThatHidesEverything(t *testing.T) {
	for _, c := range []struct {
		where string
		none  bool
	}{{"1 = 0", true}, {" 1=0 ", true}, {"FALSE", true}, {"REGION IN ('EU')", false}, {"1 = 01", false}} {
		d := format.NewDoc(80)
		RowFilter(d, st, []apiclient.VisibilityReport{report(t, `{"whereClause":`+strconvQuote(c.where)+`}`)})
		out := ansi.Strip(d.String())
		if strings.Contains(out, "no row passes") != c.none || !strings.Contains(out, "WHERE "+strings.TrimSpace(c.where)) {
			t.Errorf("%q:\n%s", c.where, out)
		}
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// My visibility at a fixed size, for a report that denies and one that
// lets the caller see: the verdict is the first line either way.
func TestGoldenMyVerdict(t *testing.T) {
	for _, c := range []struct{ name, js string }{
		{"approval needed", `{"dataSource":27,"dataSourceName":"Finance Ledger","subscriptionPolicyMet":false,
			"denialReason":"You are not subscribed: access to Finance Ledger needs an owner's approval","noVisibilities":true}`},
		{"can see", `{"dataSource":3,"dataSourceName":"Public Healthcare Data","subscriptionPolicyMet":true,
			"masked":[{"name":"FIRST_NAME","type":"Hashing"}],"whereClause":"REGION IN ('EU', 'US')",
			"sqlStatement":"SELECT \"PATIENT_ID\", SHA256(\"FIRST_NAME\") AS \"FIRST_NAME\" FROM \"public\".\"healthcare_data\" WHERE REGION IN ('EU', 'US')",
			"dataSourceVisibilitiesCount":4,"userVisibilitiesCount":2}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := report(t, c.js)
			m := New(testCtx(&fakeAPI{next: func(int) (*apiclient.VisibilityReport, error) { return &r, nil }}), r.DataSource, r.DataSourceName)
			tm := teatest.NewTestModel(t, &viewtest.Harness{V: m}, teatest.WithInitialTermSize(80, 24))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				return bytes.Contains(b, []byte("SEE")) && bytes.Contains(b, []byte("Row filter"))
			},
				teatest.WithDuration(5*time.Second))
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
			teatest.RequireEqualOutput(t, []byte(fm.View()))
		})
	}
}
