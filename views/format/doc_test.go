package format

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestDoc(t *testing.T) {
	d := NewDoc(20)
	d.Add(0, "Title")
	d.Add(2, "a sentence that has to wrap at twenty")
	d.Blank()
	d.Hang(2, 2, "● heading that goes on and on")
	d.Hard(0, `{"aVeryLongKeyWithoutSpaces":1}`)
	d.Append("as it is")
	want := strings.Join([]string{
		"Title",
		"  a sentence that",
		"  has to wrap at",
		"  twenty",
		"",
		"  ● heading that",
		"    goes on and on",
		`{"aVeryLongKeyWithou`,
		`tSpaces":1}`,
		"as it is",
	}, "\n")
	if got := d.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if d.Width() != 20 || len(d.Lines()) != 10 {
		t.Errorf("width %d, %d lines", d.Width(), len(d.Lines()))
	}
}

func TestDocNarrow(t *testing.T) {
	for _, w := range []int{-1, 0, 1, 2, 3} {
		d := NewDoc(w)
		d.Add(4, "indented more than the width")
		d.Hang(2, 6, "hanging deeper than the width")
		d.Hard(3, "abcdefgh")
		for _, l := range d.Lines() {
			if lw := ansi.StringWidth(l); lw > max(w, 1) {
				t.Errorf("width %d: %q is %d wide", w, l, lw)
			}
		}
	}
}
