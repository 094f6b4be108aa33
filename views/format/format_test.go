package format

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

var now = time.Date(2025, 10, 15, 12, 0, 0, 0, time.UTC)

func TestParseTime(t *testing.T) {
	want := time.Date(2021, 10, 1, 14, 23, 5, 0, time.UTC)
	for _, s := range []string{
		"2021-10-01T14:23:05Z", "2021-10-01T14:23:05.000Z", " 2021-10-01T16:23:05+02:00 ",
		"2021-10-01T14:23:05", "2021-10-01T14:23:05.000", "2021-10-01 14:23:05",
	} {
		got, ok := ParseTime(s)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	if got, ok := ParseTime("2021-10-05"); !ok || !got.Equal(time.Date(2021, 10, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("bare date: %v, %v", got, ok)
	}
	for _, s := range []string{"", "  ", "yesterday", "2021-13-01", "1633098185"} {
		if got, ok := ParseTime(s); ok {
			t.Errorf("ParseTime(%q) = %v, want no time", s, got)
		}
	}
}

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "just now", 59 * time.Second: "just now", -30 * time.Second: "just now",
		5 * time.Minute: "5m ago", 3 * time.Hour: "3h ago", 49 * time.Hour: "2d ago",
		70 * 24 * time.Hour: "2mo ago", 800 * 24 * time.Hour: "2y ago",
		-3 * time.Hour: "in 3h", -40 * 24 * time.Hour: "in 1mo",
	} {
		if got := Ago(now.Add(-d), now); got != want {
			t.Errorf("Ago(now-%v) = %q, want %q", d, got, want)
		}
	}
}

func TestWhen(t *testing.T) {
	cases := map[string]string{
		"2021-10-01T14:23:05.123Z": "2021-10-01 14:23 (4y ago)",
		"2025-10-15T15:00:00Z":     "2025-10-15 15:00 (in 3h)",
		"":                         "",
		"  not a date ":            "not a date",
		"bad\x1b[2J":               "bad␛[2J",
	}
	for in, want := range cases {
		if got := When(in, now); got != want {
			t.Errorf("When(%q) = %q, want %q", in, got, want)
		}
	}
	// The time of day is in now's zone.
	east := now.In(time.FixedZone("UTC+2", 2*3600))
	if got := When("2021-10-01T14:23:05Z", east); got != "2021-10-01 16:23 (4y ago)" {
		t.Errorf("in another zone: %q", got)
	}
}

func TestDate(t *testing.T) {
	tm, _ := ParseTime("2021-10-05T23:30:00-05:00")
	if got := Date(tm); got != "2021-10-06" {
		t.Errorf("Date = %q, want the UTC day", got)
	}
	if got := Date(tm) + " (" + Ago(tm, now) + ")"; got != "2021-10-06 (4y ago)" {
		t.Errorf("date and age: %q", got)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -45000: "-45,000",
		-9223372036854775808: "-9,223,372,036,854,775,808",
	} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestIsNull(t *testing.T) {
	for in, want := range map[string]bool{"": true, "  ": true, "null": true, " null\n": true, `"null"`: false, "0": false, "{}": false} {
		if got := IsNull(json.RawMessage(in)); got != want {
			t.Errorf("IsNull(%q) = %v", in, got)
		}
	}
}

func TestCompactJSONAndJSONText(t *testing.T) {
	cases := []struct{ in, compact, text string }{
		{``, ``, ``},
		{` null `, `null`, ``},
		{`"text"`, `"text"`, `text`},
		{`""`, `""`, ``},
		{"\n{\"a\": [1, 2]}\n", `{"a":[1,2]}`, `{"a":[1,2]}`},
		{`12`, `12`, `12`},
		{`[ ]`, `[]`, `[]`},
		{`{not json`, `{not json`, `{not json`},
		{`"a\u001bb\nc"`, `"a\u001bb\nc"`, "a␛b c"},
		{"{\"k\": \"\x1b\"}", "{\"k\": \"␛\"}", "{\"k\": \"␛\"}"}, // not JSON: as sent
	}
	for _, c := range cases {
		if got := CompactJSON(json.RawMessage(c.in)); got != c.compact {
			t.Errorf("CompactJSON(%q) = %q, want %q", c.in, got, c.compact)
		}
		if got := JSONText(json.RawMessage(c.in)); got != c.text {
			t.Errorf("JSONText(%q) = %q, want %q", c.in, got, c.text)
		}
	}
}

func TestPrettyJSON(t *testing.T) {
	if got := PrettyJSON(json.RawMessage(" {\"a\":[1,2],\"b\":\"x\\u001b\"}\n")); got != "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x\\u001b\"\n}" {
		t.Errorf("PrettyJSON = %q", got)
	}
	// Not JSON: as sent, made safe, newlines kept.
	if got := PrettyJSON(json.RawMessage("oops\x1b[2J\nline")); got != "oops␛[2J\nline" {
		t.Errorf("PrettyJSON(not JSON) = %q", got)
	}
	if got := PrettyJSON(json.RawMessage("\"\x07\"")); strings.ContainsRune(got, '\a') {
		t.Errorf("a control character got through: %q", got)
	}
}

func TestObjectLines(t *testing.T) {
	cases := map[string][]string{
		``:                                     nil,
		`null`:                                 nil,
		`{}`:                                   nil,
		`""`:                                   nil,
		`[]`:                                   nil,
		`{"n":[1, 2],"country":"US","x":null}`: {"country: US", "n: [1,2]", "x: "},
		`[1,2]`:                                {"[1,2]"},
		`"a string"`:                           {`"a string"`},
		`{"k\u001b":"v\u001b"}`:                {"k␛: v␛"},
	}
	for in, want := range cases {
		got := ObjectLines(json.RawMessage(in))
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ObjectLines(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	s := "\x1b[1mbold heading\x1b[0m\nsecond line is long\n数据源数据源\nfourth"
	for _, sz := range [][2]int{{0, 3}, {5, 0}, {-1, -1}} {
		if got := Clip(s, sz[0], sz[1]); got != "" {
			t.Errorf("Clip(%dx%d) = %q, want nothing", sz[0], sz[1], got)
		}
	}
	got := Clip(s, 5, 3)
	lines := strings.Split(got, "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines: %q", len(lines), got)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 5 {
			t.Errorf("line %d is %d wide: %q", i, w, l)
		}
	}
	if ansi.Strip(got) != "bold \nsecon\n数据" {
		t.Errorf("Clip = %q", ansi.Strip(got))
	}
	if !strings.HasPrefix(got, "\x1b[1m") {
		t.Errorf("the style was lost: %q", got)
	}
	if got := Clip("short\nlines", 80, 24); got != "short\nlines" {
		t.Errorf("Clip changed what fits: %q", got)
	}
}
