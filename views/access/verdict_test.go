package access

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// verdictCases are a user's report for each reason the page names, and one
// user who can see with limits. first is the page's first line.
var verdictCases = []struct {
	name, report string
	first        string
	why          []string
}{
	{"denial reason", `{"dataSource":16,"dataSourceName":"Web Sales","denialReason":"User is not a member of group Finance","subscriptionPolicyMet":true}`,
		"✗ CANNOT SEE  Ann Lee cannot see Web Sales", []string{"why the server says: User is not a member of group Finance"}},
	{"subscription policy not met", `{"dataSource":16,"dataSourceName":"Web Sales","subscriptionPolicyMet":false}`,
		"✗ CANNOT SEE  Ann Lee cannot see Web Sales", []string{"why Ann Lee does not meet the subscription policy"}},
	{"purpose rule", `{"dataSource":16,"dataSourceName":"Web Sales","denialReason":"Not acting under purpose Fraud","hasPurposeRule":true}`,
		"✗ CANNOT SEE  Ann Lee cannot see Web Sales", []string{"why the server says: Not acting under purpose Fraud", "why a purpose rule applies"}},
	{"no visibilities", `{"dataSource":16,"dataSourceName":"Web Sales","noVisibilities":true,"dataSourceVisibilitiesCount":4,"userVisibilitiesCount":0}`,
		"✗ CANNOT SEE  Ann Lee cannot see Web Sales", []string{"why Ann Lee has none of the source's 4 visibility values: every row is hidden"}},
	{"can see with limits", `{"dataSource":16,"dataSourceName":"Web Sales","subscriptionPolicyMet":true,"masked":[{"name":"SSN","type":"Hashing"}],
		"whereClause":"region IN ('EU')","sqlStatement":"SELECT *\nFROM web_sales\nWHERE region IN ('EU')","dataSourceVisibilitiesCount":4,"userVisibilitiesCount":1}`,
		"✓ CAN SEE  Ann Lee can see Web Sales", []string{"but 1 column is masked", "but rows are filtered", "WHERE region IN ('EU')", "SQL statement", "FROM web_sales"}},
}

func verdictUser() apiclient.AccessUser {
	return apiclient.AccessUser{Name: "Ann Lee", Email: "ann@example.com", State: "subscribed", Profile: 7, Type: "user"}
}

func verdictAPI(t *testing.T, report string) *fakeAPI {
	t.Helper()
	var r apiclient.VisibilityReport
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatal(err)
	}
	return &fakeAPI{info: &apiclient.PolicyInfo{}, reports: []apiclient.VisibilityReport{r}}
}

// The verdict is the page's first line, in words (this package draws
// without colour, as under NO_COLOR), with each reason under it.
func TestUserVerdictLeadsThePage(t *testing.T) {
	for _, c := range verdictCases {
		t.Run(c.name, func(t *testing.T) {
			m := loadedUser(t, verdictAPI(t, c.report), verdictUser(), 100, 60)
			out := m.View()
			lines := strings.Split(out, "\n")
			if got := strings.TrimSpace(lines[0]); got != c.first {
				t.Errorf("first line %q, want %q\n%s", got, c.first, out)
			}
			for _, w := range c.why {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in\n%s", w, out)
				}
			}
			if strings.HasPrefix(c.first, "✓") == strings.Contains(out, "CANNOT SEE") {
				t.Errorf("both or neither verdict:\n%s", out)
			}
		})
	}
}

func TestUserVerdictWhileLoadingAndOnError(t *testing.T) {
	api := verdictAPI(t, verdictCases[0].report)
	m := NewUser(testCtx(api), 16, "Web Sales", verdictUser())
	m.SetSize(100, 40)
	cmd := m.Init()
	if first := strings.Split(m.View(), "\n")[0]; !strings.Contains(first, "checking whether Ann Lee can see Web Sales") {
		t.Errorf("loading: first line %q", first)
	}
	drive(m, cmd)
	if !strings.HasPrefix(strings.TrimSpace(m.View()), "✗ CANNOT SEE") {
		t.Errorf("loaded:\n%s", m.View())
	}

	api.reportErr = &apiclient.APIError{StatusCode: 403, Message: "forbidden"}
	press(m, "r")
	lines := strings.Split(m.View(), "\n")
	if first := strings.Join(lines[:2], " "); !strings.HasPrefix(strings.TrimSpace(lines[0]), "? VERDICT UNKNOWN") ||
		!strings.Contains(first, "permission denied (403)") || strings.Contains(m.View(), "CANNOT SEE") {
		t.Errorf("failed report: a verdict must not be guessed:\n%s", m.View())
	}

	api.reportErr = nil
	api.reports = []apiclient.VisibilityReport{}
	press(m, "r")
	if first := strings.Split(m.View(), "\n")[0]; !strings.Contains(first, "VERDICT UNKNOWN") || !strings.Contains(first, "no visibility report") {
		t.Errorf("empty answer: first line %q", first)
	}
}

// A report of several entries: any one that denies denies, and its
// reasons are told once.
func TestUserVerdictSeveralReports(t *testing.T) {
	var rs []apiclient.VisibilityReport
	if err := json.Unmarshal([]byte(`[{"dataSource":16,"subscriptionPolicyMet":true},
		{"dataSource":16,"denialReason":"expired"},{"dataSource":16,"denialReason":"expired"}]`), &rs); err != nil {
		t.Fatal(err)
	}
	m := loadedUser(t, &fakeAPI{info: &apiclient.PolicyInfo{}, reports: rs}, verdictUser(), 100, 80)
	out := m.View()
	if !strings.HasPrefix(strings.TrimSpace(out), "✗ CANNOT SEE") || strings.Count(out, "the server says: expired") != 1 {
		t.Errorf("several reports:\n%s", out)
	}
}

// What the server says reaches the screen made safe and on bounded lines.
func TestUserVerdictHostileReason(t *testing.T) {
	long := strings.Repeat("x", 20000)
	api := verdictAPI(t, `{"dataSource":16,"denialReason":"no\u001b[2J\u0007 \u202eway `+long+`","whereClause":"a\u001b[31m = 1","sqlStatement":"SELECT \u001b]0;pwn\u0007 1"}`)
	m := loadedUser(t, api, apiclient.AccessUser{Name: "Mal\x1b[2J", Profile: 9}, 80, 400)
	out := m.View()
	if strings.ContainsAny(out, "\x1b\a\u202e") {
		t.Fatalf("control characters reached the screen: %q", out)
	}
	if !strings.Contains(out, "CANNOT SEE") || strings.Count(out, "x") > 5000 {
		t.Errorf("reason not bounded (%d x)", strings.Count(out, "x"))
	}
	for _, w := range []int{1, 5, 20, 80} {
		m.SetSize(w, 30)
		checkBounds(t, m.View(), w, 30)
	}
}

// Goldens at a fixed size, one per reason: the verdict is the first thing
// on screen.
func TestGoldenVerdict(t *testing.T) {
	for _, c := range verdictCases {
		t.Run(c.name, func(t *testing.T) {
			m := NewUser(testCtx(verdictAPI(t, c.report)), 16, "Web Sales", verdictUser())
			tm := teatest.NewTestModel(t, &viewtest.Harness{V: m}, teatest.WithInitialTermSize(80, 24))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				return strings.Contains(string(b), "SEE") && strings.Contains(string(b), "Row filter")
			}, teatest.WithDuration(5*time.Second))
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
			teatest.RequireEqualOutput(t, []byte(fm.View()))
		})
	}
}

// A report without the why fields (the seed's shape) for a member whose
// request is pending still reads "cannot see", from the access list.
func TestUserVerdictPendingMember(t *testing.T) {
	u := verdictUser()
	u.State, u.Approved = "pending", false
	m := loadedUser(t, verdictAPI(t, `{"dataSource":16,"dataSourceName":"Web Sales","noVisibilities":true}`), u, 100, 40)
	out := m.View()
	if !strings.HasPrefix(strings.TrimSpace(out), "✗ CANNOT SEE  Ann Lee cannot see Web Sales") ||
		!strings.Contains(out, "why Ann Lee's access is pending in the access list, not approved") {
		t.Errorf("pending member:\n%s", out)
	}
	// The report's own reason is enough when it gives one.
	m = loadedUser(t, verdictAPI(t, verdictCases[1].report), u, 100, 40)
	if out := m.View(); strings.Contains(out, "in the access list") || !strings.Contains(out, "subscription policy") {
		t.Errorf("pending member with a reason:\n%s", out)
	}
}
