package access

// Issue 11's access target: with 50,000 members, a keystroke in the user
// filter blocks the UI goroutine (Update) for at most 16 ms at p95.
//
//	go test -run '^$' -bench FilterKeystroke -benchmem ./views/access/

import (
	"fmt"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// benchMembers makes n members with names and emails as a company has
// them: first and last names that repeat, emails from the names.
func benchMembers(n int) []apiclient.AccessUser {
	first := []string{"Maria", "James", "Ana", "John", "Wei", "Fatima", "Olga", "David", "Priya", "Lucas",
		"Emma", "Ahmed", "Sofia", "Noah", "Yuki", "Carlos", "Grace", "Ivan", "Chloe", "Mohammed"}
	last := []string{"Garcia", "Smith", "Silva", "Johnson", "Wang", "Khan", "Ivanova", "Brown", "Patel", "Martin",
		"Jones", "Hassan", "Rossi", "Miller", "Sato", "Lopez", "Lee", "Petrov", "Dubois", "Ali"}
	states := []string{"subscribed", "owner", "pending", "expert"}
	out := make([]apiclient.AccessUser, n)
	for i := range out {
		f, l := first[i%len(first)], last[(i/len(first))%len(last)]
		out[i] = apiclient.AccessUser{
			Profile:   int64(10_000 + i),
			Name:      fmt.Sprintf("%s %s", f, l),
			Email:     fmt.Sprintf("%s.%s%d@corp.example.com", f, l, i/(len(first)*len(last))),
			Type:      "user",
			State:     states[i%len(states)],
			Approved:  i%3 != 0,
			CreatedAt: "2023-06-01T10:00:00.000Z",
		}
	}
	return out
}

// loadedMembers is the access view with n members loaded through the
// FakeAPI, sized as a large terminal.
func loadedMembers(b *testing.B, n int) *Model {
	api := &viewtest.FakeAPI{Access: map[int64][]apiclient.AccessUser{16: benchMembers(n)}}
	sess := viewtest.Context(api)
	sess.PageSize = 1000
	m := New(sess, 16, "Web Sales")
	viewtest.New(b, m, 200, 60)
	if len(m.t.Rows) != n {
		b.Fatalf("%d of %d members loaded", len(m.t.Rows), n)
	}
	return m
}

// runHere runs cmd on the calling goroutine, batches and all, leaving out
// timers, and returns the messages it answers.
func runHere(cmd tea.Cmd) []tea.Msg {
	if cmd == nil || viewtest.IsTimer(cmd) {
		return nil
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range batch {
			out = append(out, runHere(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// runThere runs cmd as Bubble Tea does, on other goroutines, and sends
// what it answers to out; it returns how many messages to wait for.
func runThere(cmd tea.Cmd, out chan<- tea.Msg) int {
	if cmd == nil || viewtest.IsTimer(cmd) {
		return 0
	}
	go func() { out <- cmd() }()
	return 1
}

// BenchmarkFilterKeystroke types "maria lee" into the filter over 50,000
// members, one key at a time, each key after the last one's result is
// shown, then clears it with esc. Per keystroke it measures the time the
// UI goroutine is blocked: Update for the key, plus Update for the
// filter's result.
//
// "in-update" is the filter as it was before issue 11: it ran inside
// Update, so the UI goroutine also ran the filter (sahilm/fuzzy over every
// member's "name email"); here it runs the same filter command on the UI
// goroutine, between the two Updates. "off-thread" is the view as it is:
// the command runs on another goroutine, as Bubble Tea runs commands, and
// only the two Updates block. ms-to-result is from the key to its result
// shown, which the filter's own time bounds in both.
func BenchmarkFilterKeystroke(b *testing.B) {
	const members = 50_000
	const typed = "maria lee"
	m := loadedMembers(b, members)
	want := map[string]int{} // matches per query, the same in both
	for _, mode := range []string{"in-update", "off-thread"} {
		b.Run(fmt.Sprintf("members=50k/%s", mode), func(b *testing.B) {
			var blocked, latency []time.Duration
			out := make(chan tea.Msg, 8)
			for b.Loop() {
				m.Update(viewtest.KeyMsg("/"))
				q := ""
				for _, r := range typed {
					q += string(r)
					start := time.Now()
					_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
					block := time.Since(start)
					if mode == "in-update" {
						for _, msg := range runHere(cmd) {
							m.Update(msg)
						}
						block = time.Since(start)
					} else {
						for n := runThere(cmd, out); n > 0; n-- {
							msg := <-out
							if batch, ok := msg.(tea.BatchMsg); ok {
								for _, c := range batch {
									n += runThere(c, out)
								}
								continue
							}
							if msg == nil {
								continue
							}
							t := time.Now()
							_, next := m.Update(msg)
							block += time.Since(t)
							n += runThere(next, out)
						}
					}
					latency = append(latency, time.Since(start))
					blocked = append(blocked, block)
					if m.t.ShownQuery() != q {
						b.Fatalf("after %q the view shows %q", q, m.t.ShownQuery())
					}
					if n, ok := want[q]; ok && n != m.t.Len() {
						b.Fatalf("%q: %d matches, the other mode %d", q, m.t.Len(), n)
					}
					want[q] = m.t.Len()
				}
				m.Update(viewtest.KeyMsg("esc"))
			}
			b.ReportMetric(ms(pct(blocked, 0.95)), "p95-blocked-ms/key")
			b.ReportMetric(ms(pct(blocked, 1)), "max-blocked-ms/key")
			b.ReportMetric(ms(pct(latency, 0.95)), "p95-ms-to-result")
			b.ReportMetric(float64(want[typed[:1]]), "matches-1st-key")
		})
	}
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s))*p+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
