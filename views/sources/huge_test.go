package sources

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// hugeRows are 2,000 ordinary sources and one whose name is 10 MB, as a
// hostile or broken server could send, converted as a load does.
func hugeRows() []Row {
	srcs := viewtest.GenSources(2000)
	srcs[0].Name = "Web Sales " + strings.Repeat("ledger sales ", 10<<20/13)
	srcs[0].SQLSchemaName = strings.Repeat("schema", 1<<20)
	return rowsOf(srcs)
}

// The row of a 10 MB name is one line of the table's width, cut with an
// ellipsis; filtering still finds it.
func TestHugeNameIsClippedInTheList(t *testing.T) {
	m := loadedModel(hugeRows(), 120, 30)
	m.Update(viewtest.KeyMsg("/"))
	for _, r := range "ledger sales" {
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		m.Update(awaitCompute(cmd))
	}
	out := m.View()
	viewtest.CheckBounds(t, out, 120, 30)
	found := false
	for _, l := range strings.Split(out, "\n") {
		if p := ansi.Strip(l); strings.Contains(p, "Web Sales ledger sales") {
			found = true
			if !strings.Contains(p, "…") || ansi.StringWidth(l) != 120 {
				t.Errorf("the huge row is not cut to the table: %d wide: %q", ansi.StringWidth(l), p)
			}
		}
	}
	if !found {
		t.Errorf("the huge row is not listed under the filter:\n%s", ansi.Strip(out))
	}
}

// BenchmarkHugeName is the list's work per key with a 10 MB name among
// 2,000 rows: a frame, a step down, and a key typed into the filter with
// the next frame. Each must stay well under a frame (16 ms).
func BenchmarkHugeName(b *testing.B) {
	rows := hugeRows()
	b.Run("view", func(b *testing.B) {
		m := loadedModel(rows, 200, 60)
		for b.Loop() {
			_ = m.View()
		}
	})
	b.Run("scroll", func(b *testing.B) {
		m := loadedModel(rows, 200, 60)
		for i := 0; b.Loop(); i++ {
			k := "down"
			if i%100 >= 50 {
				k = "up"
			}
			m.Update(viewtest.KeyMsg(k))
			_ = m.View()
		}
	})
	b.Run("filter-key", func(b *testing.B) {
		// One op is one key typed into the filter, with the filtering it
		// starts and the next frame: "sales" is typed, then esc clears it.
		m := loadedModel(rows, 200, 60)
		var slowest time.Duration
		for i := 0; b.Loop(); i++ {
			if i%5 == 0 {
				if _, cmd := m.Update(viewtest.KeyMsg("esc")); cmd != nil {
					m.Update(awaitCompute(cmd))
				}
				m.Update(viewtest.KeyMsg("/"))
			}
			t := time.Now()
			_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{rune("sales"[i%5])}})
			m.Update(awaitCompute(cmd))
			_ = m.View()
			slowest = max(slowest, time.Since(t))
		}
		b.ReportMetric(float64(slowest.Microseconds())/1000, "max-ms/key")
	})
}
