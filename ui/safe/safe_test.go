package safe

import (
	"strings"
	"testing"
)

func TestLineNeutralisesTerminalControl(t *testing.T) {
	cases := map[string]string{
		"Web Sales":             "Web Sales",
		"\x1b[31mred\x1b[0m":    "␛[31mred␛[0m",
		"title\x1b]0;pwned\x07": "title␛]0;pwned␇",
		"a\nb\tc\rd":            "a b c d",
		"evil\u202etxt.exe":     "eviltxt.exe",
		"\u2066iso\u2069":       "iso",
		"c1\u009b31m":           "c1\uFFFD31m",
		"del\x7f":               "del␡",
		"bad\xffutf8":           "bad\uFFFDutf8",
		"データ 🚀":                 "データ 🚀",
	}
	for in, want := range cases {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBlockKeepsNewlines(t *testing.T) {
	got := Block("# Title\r\n\nbody\x1b[2J")
	if got != "# Title\n\nbody␛[2J" {
		t.Errorf("Block = %q", got)
	}
}

func TestNothingDangerousSurvives(t *testing.T) {
	in := strings.Repeat("x\x1b\x07\x00\u009b\u202e", 50)
	for _, out := range []string{Line(in), Block(in)} {
		for _, r := range out {
			if r < 0x20 && r != '\n' || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
				t.Fatalf("control %U survived in %q", r, out)
			}
		}
	}
}

func BenchmarkLinePlain(b *testing.B) {
	s := "Public Barfoo Sales Orders 2023"
	for b.Loop() {
		_ = Line(s)
	}
}

func TestRunesDropsWhatATerminalWouldAct(t *testing.T) {
	got := string(Runes([]rune("ok\u202eevil\x1b[2J\u009bx\u2066")))
	if got != "okevil[2Jx" {
		t.Fatalf("got %q", got)
	}
	plainIn := []rune("plain text")
	if out := Runes(plainIn); &out[0] != &plainIn[0] {
		t.Error("clean input should be returned as is")
	}
}
