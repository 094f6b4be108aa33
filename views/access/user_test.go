package access

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func seedUserAPI(t *testing.T) (*fakeAPI, apiclient.AccessUser) {
	var info apiclient.PolicyInfo
	viewtest.Seed(t, "policy_info.json", &info)
	var reports []apiclient.VisibilityReport
	viewtest.Seed(t, "user_visibility_report.json", &reports)
	return &fakeAPI{info: &info, reports: reports}, seedUsers(t)[1]
}

func loadedUser(t *testing.T, api *fakeAPI, u apiclient.AccessUser, w, h int) *UserModel {
	t.Helper()
	m := NewUser(testCtx(api), 16, "Web Sales", u)
	m.SetSize(w, h)
	drive(m, m.Init())
	return m
}

func TestUserViewShowsPolicyInfoAndReport(t *testing.T) {
	api, tommy := seedUserAPI(t)
	m := loadedUser(t, api, tommy, 100, 200)
	if m.Title() != "Tommy Test" {
		t.Errorf("title %q", m.Title())
	}
	if len(api.profiles) != 2 || api.profiles[0] != 3 || api.profiles[1] != 3 {
		t.Errorf("profiles asked %v", api.profiles)
	}
	out := m.View()
	for _, want := range []string{
		"tommy.test@immuta.com", "subscribed", "Approved  yes",
		"Masked columns (2)", "COLUMN", "MASKING", "ACTION",
		"WS_SOLD_DATE_SK      Consistent Value  Nullify",
		"WS_BILL_CUSTOMER_SK  Consistent Value  Nullify",
		"no visibility rule applies to Tommy Test", "visibility values: none",
		"Additional filters", "none",
		"Visibility report", "Web Sales  data source #16",
		"Tommy Test can see 0 of 0 visibility values",
		"Policies (2)", "● Data Policy  (global #9, tag Confidential, by jane",
		"masking · Consistent Value on WS_BILL_CUSTOMER_SK · applies to Tommy Test",
		"masking · Consistent Value on WS_SOLD_DATE_SK · applies to Tommy Test",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestUserViewEmptyAndFilters(t *testing.T) {
	info := &apiclient.PolicyInfo{}
	if err := json.Unmarshal([]byte(`{"visibilities":["US","EU"],"visibilityRuleApplies":true,"masked":[],
		"additionalFilters":{"region":"EU","minAge":18}}`), info); err != nil {
		t.Fatal(err)
	}
	m := loadedUser(t, &fakeAPI{info: info, reports: []apiclient.VisibilityReport{}}, apiclient.AccessUser{Name: "Ann", Profile: 5}, 80, 100)
	out := m.View()
	for _, want := range []string{"no columns are masked for this user", "a visibility rule applies to Ann",
		"• US", "• EU", "minAge: 18", "region: EU", "the server sent no report for this user"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestUserViewErrorsAndStale(t *testing.T) {
	boom := &apiclient.APIError{StatusCode: 403, Message: "no"}
	api, tommy := seedUserAPI(t)
	api.infoErr = boom
	m := NewUser(testCtx(api), 16, "Web Sales", tommy)
	m.SetSize(100, 100)
	msgs := drive(m, m.Init())
	if len(msgs) != 1 || msgs[0].(views.ErrorMsg).What != "loading policy info" || !errors.Is(msgs[0].(views.ErrorMsg).Err, boom) {
		t.Fatalf("messages %#v", msgs)
	}
	out := m.View()
	if !strings.Contains(out, "could not load the policy info: permission denied (403): no") || !strings.Contains(out, "Policies (2)") {
		t.Fatalf("partial failure:\n%s", out)
	}

	// Answers of an older load are dropped (by the root, and by viewtest
	// as the root does): the page sees only the newest load's.
	api.infoErr = nil
	_, older := m.Update(viewtest.KeyMsg("r"))
	_, newer := m.Update(viewtest.KeyMsg("r"))
	if old := viewtest.CollectAll(older); len(old) != 0 {
		t.Fatalf("stale answers delivered: %#v", old)
	}
	if info, _ := m.Content().info.Value(); info != nil || m.Content().info.Err() != nil {
		t.Fatal("stale answer taken")
	}
	drive(m, newer)
	if info, _ := m.Content().info.Value(); info == nil || strings.Contains(m.View(), "could not load") {
		t.Fatalf("fresh answer:\n%s", m.View())
	}
}

func TestUserViewScrollRawAndBounds(t *testing.T) {
	api, tommy := seedUserAPI(t)
	m := loadedUser(t, api, tommy, 100, 10)
	top := m.View()
	press(m, "j")
	if m.View() == top {
		t.Error("j did not scroll")
	}
	press(m, "G")
	if !strings.Contains(m.View(), "WS_SOLD_DATE_SK · applies") {
		t.Errorf("bottom:\n%s", m.View())
	}
	press(m, "J")
	m.SetSize(100, 400)
	raw := m.View()
	if !strings.Contains(raw, `"visibilityRuleApplies": false`) || !strings.Contains(raw, `"dataSourceName": "Web Sales"`) {
		t.Errorf("raw:\n%s", raw)
	}
	press(m, "J")
	for _, w := range []int{0, 1, 2, 5, 10, 30, 60} {
		for _, h := range []int{0, 1, 2, 5} {
			m.SetSize(w, h)
			checkBounds(t, m.View(), w, h)
		}
	}
}

func TestUserViewHostile(t *testing.T) {
	var reports []apiclient.VisibilityReport
	if err := json.Unmarshal([]byte(`[{"dataSourceName":"DS\u001b[2J","masked":[{"name":"C\u0007OL","type":"T\u202eX"}],
		"additionalFilters":{"k\u001b":"v\u001b[31m"},
		"policySet":"[{\"type\":\"masking\",\"global\":{\"name\":\"P\\u001b]0;pwn\\u0007\"},\"rules\":[{\"type\":\"where\",\"config\":{\"predicate\":\"a = '\\u001b[1m'\"},\"ruleAppliedForUser\":false}]}]"}]`), &reports); err != nil {
		t.Fatal(err)
	}
	info := &apiclient.PolicyInfo{}
	_ = json.Unmarshal([]byte(`{"masked":[{"name":"X\u001b[H","type":"Y","actionType":"Z\u0007"}],"visibilities":["v\u001b"],"additionalFilters":{"a":"\u001b"}}`), info)
	u := apiclient.AccessUser{Name: "Mal\x1b[2Jlory\u202e", Email: "m\a@x", State: "owner\x1b"}
	m := loadedUser(t, &fakeAPI{info: info, reports: reports}, u, 80, 200)
	for _, out := range []string{m.View(), m.Title()} {
		if strings.ContainsAny(out, "\x1b\a\u202e\u009b") || !utf8.ValidString(out) {
			t.Fatalf("control characters reached the screen: %q", out)
		}
	}
	press(m, "J")
	if out := m.View(); strings.ContainsAny(out, "\x1b\a\u202e") {
		t.Fatalf("raw view: %q", out)
	}
}

func TestGoldenUser(t *testing.T) {
	api, tommy := seedUserAPI(t)
	m := NewUser(testCtx(api), 16, "Web Sales", tommy)
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: m}, teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return strings.Contains(string(b), "CAN SEE") && strings.Contains(string(b), "Nullify")
	},
		teatest.WithDuration(5*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}
