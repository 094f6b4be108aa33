package sources

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// taggedSources are GenSources(n) with tags on every third source, as a
// tenant's list hits carry them.
func taggedSources(n int) []apiclient.DataSource {
	src := viewtest.GenSources(n)
	for i := range src {
		if i%3 == 0 {
			src[i].Tags = apiclient.Tags{{Name: "PII"}, {Name: "Finance\x1b[31m"}}
		}
	}
	return src
}

func headerLine(scr string) string {
	lines := strings.Split(scr, "\n")
	if len(lines) < 2 {
		return ""
	}
	return lines[1]
}

func TestTagsColumnWhenTagsAreKnown(t *testing.T) {
	d, _ := newList(t, &viewtest.FakeAPI{Sources: taggedSources(30)}, 150, 12)
	scr := d.Screen()
	if !strings.Contains(headerLine(scr), "TAGS") {
		t.Fatalf("no TAGS column at 150 columns:\n%s", scr)
	}
	if !strings.Contains(scr, "PII, Finance␛[31m") {
		t.Errorf("tags not shown (or not sanitised):\n%s", scr)
	}
	viewtest.CheckBounds(t, d.V.View(), 150, 12)
	// The other columns keep the widths they want before the tags grow.
	if !strings.Contains(scr, "not_subscribed") {
		t.Errorf("the subscription column was squeezed:\n%s", scr)
	}

	// Narrow: the tags go first, the other columns stay as they were.
	d.V.SetSize(100, 12)
	if h := headerLine(d.Screen()); strings.Contains(h, "TAGS") || !strings.Contains(h, "CREATED") {
		t.Errorf("at 100 columns: %q", h)
	}
	viewtest.CheckBounds(t, d.V.View(), 100, 12)
}

func TestNoTagsColumnWithoutTags(t *testing.T) {
	d, _ := newList(t, &viewtest.FakeAPI{Sources: viewtest.GenSources(30)}, 160, 12)
	if h := headerLine(d.Screen()); strings.Contains(h, "TAGS") {
		t.Errorf("a TAGS column without tags: %q", h)
	}
	// A tag write on a source shown (its row read back) brings the column.
	src := viewtest.GenSources(30)[3] // Clickstream 00004, the first row
	src.Tags = apiclient.Tags{{Name: "Gold"}}
	d.Send(views.SourceChangedMsg{Source: src})
	if h := headerLine(d.Screen()); !strings.Contains(h, "TAGS") || !strings.Contains(d.Screen(), "Gold") {
		t.Errorf("after a source gained tags:\n%s", d.Screen())
	}
}

func TestColumnsKeyOpensTheSelectedSource(t *testing.T) {
	d, m := newList(t, &viewtest.FakeAPI{Sources: viewtest.GenSources(5)}, 120, 12)
	r, _ := m.Selected()
	d.Key("C")
	msg, ok := viewtest.Last[views.OpenColumnsMsg](d)
	if !ok || msg.ID != r.ID || msg.Name != r.Name {
		t.Fatalf("C: %+v, want the selected row %d", d.Emitted, r.ID)
	}
	help := ""
	for _, g := range m.FullHelp() {
		for _, b := range g {
			help += b.Help().Key + " " + b.Help().Desc + ","
		}
	}
	if !strings.Contains(help, "C columns") {
		t.Errorf("? lacks the columns key: %s", help)
	}
}

func TestTagsTextBounded(t *testing.T) {
	var many apiclient.Tags
	for range 500 {
		many = append(many, apiclient.Tag{Name: "Some.Long.Tag.Name"})
	}
	r := RowOf(apiclient.DataSource{ID: 1, Name: "x", Tags: many})
	if n := len(r.Tags()); n > maxTagsText+len("…") || !strings.HasSuffix(r.Tags(), "…") {
		t.Errorf("tags text is %d bytes: %q", n, r.Tags()[max(0, n-20):])
	}
}

func TestGoldenListWithTags(t *testing.T) {
	d, m := newList(t, &viewtest.FakeAPI{Sources: taggedSources(8)}, 150, 12)
	if l, total := m.Counts(); l != 8 || total != 8 {
		t.Fatalf("loaded %d of %d", l, total)
	}
	out := d.V.View()
	viewtest.CheckBounds(t, out, 150, 12)
	teatest.RequireEqualOutput(t, []byte(out))
}

// BenchmarkViewTags is a frame of the list at 100k rows, 200×60, with the
// TAGS column (every third source tagged) and, as the baseline beside it,
// the same rows without tags.
func BenchmarkViewTags(b *testing.B) {
	src := taggedSources(100_000)
	for _, c := range []struct {
		name string
		tags bool
	}{{"tags", true}, {"baseline-no-tags", false}} {
		b.Run(c.name, func(b *testing.B) {
			rows := make([]Row, len(src))
			for i := range src {
				d := src[i]
				if !c.tags {
					d.Tags = nil
				}
				rows[i] = RowOf(d)
			}
			m := loadedModel(rows, 200, 60)
			m.moveTo(len(rows) / 2)
			if got := strings.Contains(m.View(), "TAGS"); got != c.tags {
				b.Fatalf("TAGS column shown: %v", got)
			}
			benchFrames(b, m.View)
		})
	}
}
