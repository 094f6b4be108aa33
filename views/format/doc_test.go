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

// A 10 MB dialog title is wrapped from its head only: a few lines, the
// last ending in "…", each within the width.
func TestWrapTextHuge(t *testing.T) {
	ls := WrapText(strings.Repeat("word ", 2<<20), 40)
	if len(ls) > maxWrap/40+10 {
		t.Errorf("%d lines", len(ls))
	}
	if last := ls[len(ls)-1]; !strings.HasSuffix(last, "…") {
		t.Errorf("the cut is not marked: %q", last)
	}
	for _, l := range ClipLines(ls, 2) {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("%q is wider than 40", l)
		}
	}
}

func TestHeadAndInline(t *testing.T) {
	if h, cut := Head("abc", 3); h != "abc" || cut {
		t.Errorf("Head kept %q, %v", h, cut)
	}
	if h, cut := Head("aé", 2); h != "a" || !cut {
		t.Errorf("Head cut inside a character: %q, %v", h, cut)
	}
	long := "\u202e" + strings.Repeat("x", MaxInline*3)
	got := Inline(long)
	if len(got) > MaxInline+8 || !strings.HasSuffix(got, "…") || strings.ContainsRune(got, '\u202e') {
		t.Errorf("Inline: %d bytes, tail %q", len(got), got[len(got)-8:])
	}
}

// Dialog text may hold server words: what reaches the screen is safe.
func TestWrapTextSanitises(t *testing.T) {
	got := strings.Join(WrapText("disabled \u202eevil\x1b[2J name\x07", 80), "\n")
	if got != "disabled evil␛[2J name␇" {
		t.Errorf("WrapText = %q", got)
	}
}
