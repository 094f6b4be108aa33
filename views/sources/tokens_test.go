package sources

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func TestParseQuery(t *testing.T) {
	type tok struct {
		f   field
		neg bool
		val string
	}
	cases := []struct {
		q    string
		toks []tok
		text string
	}{
		{"claims", nil, "claims"},
		{"  web  sales ", nil, "  web  sales "}, // no tokens: the text as typed
		{"status:failed", []tok{{fieldStatus, false, "failed"}}, ""},
		{"status:failed claims", []tok{{fieldStatus, false, "failed"}}, "claims"},
		{"claims STATUS:Failed", []tok{{fieldStatus, false, "failed"}}, "claims"},
		{"handler:snow sub:pending id:334", []tok{{fieldHandler, false, "snow"}, {fieldSub, false, "pending"}, {fieldID, false, "334"}}, ""},
		{"subscription:owner tags:PII", []tok{{fieldSub, false, "owner"}, {fieldTag, false, "pii"}}, ""},
		{"table:customer schema:public", []tok{{fieldTable, false, "customer"}, {fieldSchema, false, "public"}}, ""},
		{"-status:failed web", []tok{{fieldStatus, true, "failed"}}, "web"},
		{`table:"a b" x`, []tok{{fieldTable, false, "a b"}}, "x"},
		{`table:"a b`, []tok{{fieldTable, false, "a b"}}, ""}, // still typing the quote
		{"status:", []tok{{fieldStatus, false, ""}}, ""},
		{"foo:bar", nil, "foo:bar"},         // unknown field: text
		{"sales: 2024", nil, "sales: 2024"}, // names may hold colons
		{"foo:bar status:f", []tok{{fieldStatus, false, "f"}}, "foo:bar"},
		{"-foo:bar", nil, "-foo:bar"},
		{":status", nil, ":status"},
		{"a status:passed b", []tok{{fieldStatus, false, "passed"}}, "a b"},
	}
	for _, c := range cases {
		p := parseQuery(c.q)
		var got []tok
		for _, t := range p.tokens {
			got = append(got, tok{t.f, t.neg, t.val})
		}
		if !slices.Equal(got, c.toks) || p.text != c.text {
			t.Errorf("parseQuery(%q) = %+v text %q, want %+v text %q", c.q, got, p.text, c.toks, c.text)
		}
	}
	if got := parseQuery(`-status:f  table:"a b" x`).chips(); !slices.Equal(got, []string{"-status:f", `table:"a b"`}) {
		t.Errorf("chips: %q", got)
	}
}

func TestNarrows(t *testing.T) {
	cases := []struct {
		prev, next string
		want       bool
	}{
		{"web", "web ", true},
		{"", "w", false},
		{"status:f", "status:fa", true},
		{"status:failed", "status:failed w", true},
		{"status:failed w", "status:failed we", true},
		{"-status:f", "-status:fa", false}, // excludes fewer rows
		{"-status:failed", "-status:failed w", true},
		{"status", "status:", false}, // text became a token
		{"st", "status:x", false},
		{"foo:", "foo:b", true},
		{"status:failed", "status:failed handler:s", false},
		{"handler:s", "status:s", false},
	}
	for _, c := range cases {
		if got := narrows(c.prev, c.next); got != c.want {
			t.Errorf("narrows(%q, %q) = %v, want %v", c.prev, c.next, got, c.want)
		}
	}
}

func TestContainsFoldAndIDs(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{
		{"Snowflake", "snow", true}, {"Snowflake", "flake", true}, {"Snowflake", "flakes", false},
		{"SNOWFLAKE", "wfl", true}, {"aaab", "aab", true}, {"", "a", false}, {"x", "", true},
		{"Größe", "größe", true}, {"t_1", "_1", true},
	} {
		if got := containsFold(c.s, c.sub); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.sub, got)
		}
	}
	match := func(id int64, digits string) bool {
		ff := newFieldFilter([]token{{f: fieldID, val: digits}})
		return ff.match(&Row{ID: id})
	}
	for _, c := range []struct {
		id     int64
		digits string
		want   bool
	}{
		{334, "334", true}, {3345, "334", true}, {33, "334", false}, {1334, "334", false},
		{0, "0", true}, {10, "0", false}, {10, "01", false}, {12, "1x", false},
		{9223372036854775807, "9223372036854775807", true}, {9223372036854775807, "92", true},
	} {
		if got := match(c.id, c.digits); got != c.want {
			t.Errorf("id %d, id:%s = %v", c.id, c.digits, got)
		}
	}
}

// tokenSources are GenSources with tags on every third source, a
// disabled one, and a name with a colon.
func tokenSources() []apiclient.DataSource {
	src := taggedSources(200)
	src[4].Disabled = true
	src[7].Name = "Sales: 2024 q1"
	return src
}

// viewIDs are the ids the list shows, in order.
func viewIDs(m *Model) []int64 {
	out := make([]int64, len(m.view))
	for i, x := range m.view {
		out[i] = m.viewDS.rows[x].ID
	}
	return out
}

func TestFieldTokensFilterRows(t *testing.T) {
	src := tokenSources()
	cases := []struct {
		q    string
		want func(d *apiclient.DataSource) bool
	}{
		{"status:failed", func(d *apiclient.DataSource) bool { return !d.IsDisabled() && d.Status == "failed" }},
		{"STATUS:Fail", func(d *apiclient.DataSource) bool { return !d.IsDisabled() && d.Status == "failed" }},
		{"status:ail", func(*apiclient.DataSource) bool { return false }}, // an enum is a prefix, not a substring
		{"status:disabled", func(d *apiclient.DataSource) bool { return d.IsDisabled() }},
		{"-status:failed", func(d *apiclient.DataSource) bool { return d.IsDisabled() || d.Status != "failed" }},
		{"handler:snow", func(d *apiclient.DataSource) bool { return d.BlobHandlerType == "Snowflake" }},
		{"handler:SHIFT", func(d *apiclient.DataSource) bool { return d.BlobHandlerType == "Redshift" }},
		{"sub:sub", func(d *apiclient.DataSource) bool { return d.SubscriptionStatus == "subscribed" }},
		{"sub:not", func(d *apiclient.DataSource) bool { return d.SubscriptionStatus == "not_subscribed" }},
		{"id:12", func(d *apiclient.DataSource) bool { return strings.HasPrefix(fmt.Sprint(d.ID), "12") }},
		{"id:120", func(d *apiclient.DataSource) bool { return d.ID == 120 }},
		{"table:T_19", func(d *apiclient.DataSource) bool { return strings.Contains(d.SQLTableName, "t_19") }},
		{`table:"t_19"`, func(d *apiclient.DataSource) bool { return strings.Contains(d.SQLTableName, "t_19") }},
		{"schema:PUB", func(*apiclient.DataSource) bool { return true }},
		{"schema:t_1", func(*apiclient.DataSource) bool { return false }}, // the table is not the schema
		{"tag:pii", func(d *apiclient.DataSource) bool { return len(d.Tags) > 0 }},
		{"-tag:pii", func(d *apiclient.DataSource) bool { return len(d.Tags) == 0 }},
		{"tag:PII handler:snow sub:owner", func(d *apiclient.DataSource) bool {
			return len(d.Tags) > 0 && d.BlobHandlerType == "Snowflake" && d.SubscriptionStatus == "owner"
		}},
		{"status:", func(*apiclient.DataSource) bool { return true }}, // typing: every row
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			d, m := newList(t, &viewtest.FakeAPI{Sources: src}, 160, 20)
			d.Key("/")
			d.Type(c.q)
			var want []int64
			for i := range src {
				if c.want(&src[i]) {
					want = append(want, src[i].ID)
				}
			}
			got := viewIDs(m)
			// Tokens alone keep the list's order (by name): the same set,
			// in the order the unfiltered list has them.
			var inOrder []int64
			for _, x := range m.viewDS.sorted {
				if slices.Contains(want, m.viewDS.rows[x].ID) {
					inOrder = append(inOrder, m.viewDS.rows[x].ID)
				}
			}
			if !slices.Equal(got, inOrder) {
				t.Fatalf("%q shows %d rows %v…, want %d %v…", c.q, len(got), got[:min(len(got), 8)], len(inOrder), inOrder[:min(len(inOrder), 8)])
			}
			scr := d.Screen()
			if first := strings.SplitN(scr, "\n", 2)[0]; !strings.Contains(first, "["+parseQuery(c.q).tokens[0].raw+"]") {
				t.Errorf("the filter line does not show the token as a chip: %q", first)
			}
			if !strings.Contains(scr, fmt.Sprintf("%d of 200 match", len(want))) {
				t.Errorf("match count missing:\n%s", scr)
			}
			viewtest.CheckBounds(t, m.View(), 160, 20)
		})
	}
}

func TestFieldTokenWithTextRanksByName(t *testing.T) {
	src := tokenSources()
	d, m := newList(t, &viewtest.FakeAPI{Sources: src}, 160, 20)
	d.Key("/")
	d.Type("status:failed cust")
	got := viewIDs(m)
	// The rows matching both, ranked as the fuzzy filter ranks "web" over
	// those rows.
	var failed []int32
	for _, x := range m.viewDS.sorted {
		if r := &m.viewDS.rows[x]; r.Status() == "failed" && !r.Disabled {
			failed = append(failed, x)
		}
	}
	var want []int64
	for _, x := range rankRows("cust", failed, m.viewDS.rows, nil) {
		want = append(want, m.viewDS.rows[x].ID)
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("status:failed web shows %v, want %v", got, want)
	}
	scr := d.Screen()
	if strings.Contains(scr, "passed") || !strings.Contains(scr, "Customers") {
		t.Errorf("rows other than failed Customers shown:\n%s", scr)
	}
	if !strings.Contains(scr, "[status:failed]") {
		t.Errorf("no chip:\n%s", scr)
	}
	// Kept with enter, the line shows the chip and the text.
	d.Key("enter")
	if first := strings.SplitN(d.Screen(), "\n", 2)[0]; !strings.Contains(first, "/[status:failed] cust") {
		t.Errorf("kept filter line: %q", first)
	}
}

func TestUnknownFieldIsText(t *testing.T) {
	d, m := newList(t, &viewtest.FakeAPI{Sources: tokenSources()}, 160, 20)
	d.Key("/")
	d.Type("sales: 2024")
	got := viewIDs(m)
	if len(got) != 1 || got[0] != 8 {
		t.Fatalf("sales: 2024 shows %v, want the source named with a colon (8)", got)
	}
	if first := strings.SplitN(d.Screen(), "\n", 2)[0]; strings.Contains(first, "[") {
		t.Errorf("a chip for text: %q", first)
	}
	d.Key("esc")
	d.Key("/")
	d.Type("foo:bar")
	if n := len(m.view); n != 0 {
		t.Errorf("foo:bar (a name match) shows %d rows", n)
	}
}

// Typed a key at a time, each step may search only the previous matches
// (narrowing); the answer must be what the whole query gives at once.
func TestTypingTokensNarrowsCorrectly(t *testing.T) {
	src := tokenSources()
	for _, q := range []string{"-status:failed", "status:failed", "web status:passed", "handler:red id:1"} {
		d, m := newList(t, &viewtest.FakeAPI{Sources: src}, 160, 20)
		d.Key("/")
		d.Type(q)
		typed := viewIDs(m)
		d2, m2 := newList(t, &viewtest.FakeAPI{Sources: src}, 160, 20)
		d2.Key("/")
		d2.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(q), Paste: true})
		if whole := viewIDs(m2); !slices.Equal(typed, whole) {
			t.Errorf("%q typed shows %d rows, at once %d", q, len(typed), len(whole))
		}
		// Deleting the last keys widens again.
		for range len(q) {
			d.Key("backspace")
		}
		if len(m.view) != len(src) {
			t.Errorf("%q erased: %d rows", q, len(m.view))
		}
	}
}

func TestFilterHintWhenEmpty(t *testing.T) {
	d, _ := newList(t, &viewtest.FakeAPI{Sources: viewtest.GenSources(20)}, 120, 10)
	d.Key("/")
	if first := strings.SplitN(d.Screen(), "\n", 2)[0]; !strings.Contains(first, "status: sub: handler: id: table: schema: tag:") {
		t.Errorf("no hint in the empty filter line: %q", first)
	}
}

func TestGoldenFilterLineWithTokens(t *testing.T) {
	d, _ := newList(t, &viewtest.FakeAPI{Sources: tokenSources()}, 120, 8)
	d.Key("/")
	d.Type("status:failed -tag:pii cust")
	out := d.V.View()
	viewtest.CheckBounds(t, out, 120, 8)
	teatest.RequireEqualOutput(t, []byte(out))
}

// tab while filtering sends the free text to the server; the tokens filter
// what it finds.
func TestServerSearchKeepsTokens(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(300)}
	d, m := newList(t, api, 120, 20)
	d.Key("/")
	d.Type("status:failed cust")
	d.Key("tab")
	if !strings.Contains(strings.Join(api.Calls, "\n"), `search="cust"`) {
		t.Fatalf("the server was not asked for the text alone: %v", api.Calls)
	}
	scr := d.Screen()
	if !strings.Contains(scr, `Server search "cust"`) || !strings.Contains(scr, `filter "status:failed"`) {
		t.Errorf("search and kept tokens not shown:\n%s", scr)
	}
	for _, id := range viewIDs(m) {
		if r := m.viewDS.rows[m.viewDS.byID[id]]; r.Status() != "failed" || !strings.Contains(r.Name, "Customers") {
			t.Fatalf("row %d %q %s shown", id, r.Name, r.Status())
		}
	}
	if len(m.view) != 50 { // 300 sources: 50 Customers, all failed
		t.Errorf("%d rows, want 50", len(m.view))
	}
	// Tokens alone have nothing to send.
	d2, _ := newList(t, api, 120, 20)
	d2.Key("/")
	d2.Type("status:failed")
	n := len(api.ListQueries())
	d2.Key("tab")
	if len(api.ListQueries()) != n {
		t.Error("tab with tokens only asked the server")
	}
}

func TestHelpMentionsFieldTokens(t *testing.T) {
	_, m := newList(t, &viewtest.FakeAPI{Sources: viewtest.GenSources(5)}, 120, 10)
	found := false
	for _, g := range m.FullHelp() {
		for _, b := range g {
			found = found || (b.Help().Key == "/" && strings.Contains(b.Help().Desc, "field:value"))
		}
	}
	if !found {
		t.Error("? does not say / takes field:value")
	}
}

func TestTagTokenWithoutTagsSaysWhy(t *testing.T) {
	d, m := newList(t, &viewtest.FakeAPI{Sources: viewtest.GenSources(30)}, 140, 10)
	d.Key("/")
	d.Type("tag:pii")
	if len(m.view) != 0 || !strings.Contains(d.Screen(), "No loaded data source has tags") {
		t.Errorf("tag: without tags:\n%s", d.Screen())
	}
	// With tags, an unmatched tag is the usual "no match".
	d2, _ := newList(t, &viewtest.FakeAPI{Sources: tokenSources()}, 140, 10)
	d2.Key("/")
	d2.Type("tag:nosuchtag")
	if scr := d2.Screen(); !strings.Contains(scr, `No loaded data source matches "tag:nosuchtag"`) {
		t.Errorf("an unmatched tag:\n%s", scr)
	}
}

// containsFoldShort (eight bytes at a time) agrees with the obvious
// search, at every length and offset, for letters, other bytes and
// non-ASCII.
func TestContainsFoldShortAgrees(t *testing.T) {
	hays := []string{"", "a", "Ab", "public.t_19", "CLINICAL.CONTRACTS_APAC", "xxxxxxxA", "xxxxxxxxA", "ÄÖü.ab_Ab", "\xe1a", "aaaaaaaaaaaaaaaaaaaaaaaaaaab", "t_1.T_10"}
	needles := []string{"a", "b", "ab", "t_1", "apac", "contracts_apac", "_", ".", "xa", "aab", "ü", "1"}
	for _, h := range hays {
		for _, n := range needles {
			want := strings.Contains(strings.ToLower(h), n)
			if got := containsFold(h, n); got != want {
				t.Errorf("containsFold(%q, %q) = %v, want %v", h, n, got, want)
			}
		}
	}
}

// Many chips on a narrow terminal: the filter line stays one line, within
// the width.
func TestChipsFitNarrowTerminal(t *testing.T) {
	d, m := newList(t, &viewtest.FakeAPI{Sources: tokenSources()}, 60, 8)
	d.Key("/")
	d.Type(`status:passed -tag:pii handler:snow table:"t_1" id:1 cust`)
	viewtest.CheckBounds(t, m.View(), 60, 8)
	d.Key("enter")
	viewtest.CheckBounds(t, m.View(), 60, 8)
	if first := strings.SplitN(d.Screen(), "\n", 2)[0]; !strings.HasPrefix(first, "/[status:passed] [-tag:pii]") {
		t.Errorf("kept filter line at 60 columns: %q", first)
	}
}
