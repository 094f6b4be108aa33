package reportpage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/reportpage"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// server answers the two requests of the test page: each call takes the
// next answer of its list (the last one repeats).
type server struct {
	mu            sync.Mutex
	words, counts []answer
	calls         int
}

type answer struct {
	v   any
	err error
}

func (s *server) next(list *[]answer) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	a := (*list)[0]
	if len(*list) > 1 {
		*list = (*list)[1:]
	}
	return a.v, a.err
}

// page is a content of two requests: a word and a number of lines.
type page struct {
	words  *reportpage.Request[string]
	counts *reportpage.Request[int]
	sess   *views.Session
}

func (p *page) Title() string { return "test page" }

func (p *page) Layout(d *format.Doc, raw bool) {
	w, haveW := p.words.Value()
	n, haveN := p.counts.Value()
	if raw {
		d.Add(0, reportpage.RawHint(p.sess, "Raw JSON"))
		d.Add(0, fmt.Sprintf("%q %d", w, n))
		return
	}
	for _, r := range []struct {
		name    string
		have    bool
		loading bool
		err     error
	}{{"word", haveW, p.words.Loading(), p.words.Err()}, {"count", haveN, p.counts.Loading(), p.counts.Err()}} {
		d.Add(0, fmt.Sprintf("%s: have %v loading %v err %v", r.name, r.have, r.loading, r.err))
	}
	if p.words.Err() != nil || p.counts.Err() != nil {
		d.Add(0, reportpage.RetryHint(p.sess))
	}
	for i := range n {
		d.Add(0, fmt.Sprintf("%s %d", w, i))
	}
}

func newPage(s *server) *reportpage.Page[*page] {
	sess := viewtest.Context(viewtest.Unimplemented{})
	c := &page{sess: sess,
		words: reportpage.NewRequest("loading words", func(ctx context.Context, _ views.API) (string, error) {
			v, err := s.next(&s.words)
			w, _ := v.(string)
			if err == nil && ctx.Err() != nil {
				err = ctx.Err()
			}
			return w, err
		}),
		counts: reportpage.NewRequest("loading counts", func(context.Context, views.API) (int, error) {
			v, err := s.next(&s.counts)
			n, _ := v.(int)
			return n, err
		}),
	}
	return reportpage.New(sess, c, c.words, c.counts)
}

func keys(p views.View) string {
	var out []string
	for _, b := range p.ShortHelp() {
		out = append(out, b.Help().Desc)
	}
	return strings.Join(out, ",")
}

func TestPageLoadsLaysOutAndScrolls(t *testing.T) {
	s := &server{words: []answer{{v: "row"}}, counts: []answer{{v: 30}}}
	p := newPage(s)
	if p.Title() != "test page" || p.CapturesInput() || p.Content().sess == nil {
		t.Errorf("title %q, captures %v", p.Title(), p.CapturesInput())
	}
	p.SetSize(40, 5)
	cmd := p.Init()
	if out := p.View(); !strings.Contains(out, "word: have false loading true err <nil>") || keys(p) != "refresh" {
		t.Errorf("loading (%s):\n%s", keys(p), out)
	}
	d := &viewtest.Driver{T: t, V: p}
	d.Run(cmd)
	top := p.View()
	if !strings.Contains(top, "word: have true loading false") || !strings.Contains(top, "count: have true loading false") {
		t.Fatalf("loaded:\n%s", top)
	}
	if got := keys(p); got != "up,down,page down,raw JSON,refresh" {
		t.Errorf("help %s", got)
	}
	if got := p.FullHelp(); len(got) != 2 || len(got[1]) != 2 {
		t.Errorf("full help %v", got)
	}
	d.Key("j")
	if p.View() == top {
		t.Error("j did not scroll")
	}
	d.Send(tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	if p.View() != top {
		t.Error("the wheel did not scroll back")
	}
	d.Key("G", "J")
	if out := p.View(); !strings.HasPrefix(out, "Raw JSON · J for the readable view") || !strings.Contains(out, `"row" 30`) {
		t.Errorf("raw, from the top:\n%s", out)
	}
	if got := keys(p); got != "readable view,refresh" {
		t.Errorf("raw help %s", got)
	}
	// A width change lays the page out again; a height change keeps it.
	p.SetSize(20, 5)
	if out := p.View(); !strings.HasPrefix(out, "Raw JSON · J for the") {
		t.Errorf("narrow raw:\n%s", out)
	}
	d.Key("J")
	p.SetSize(0, 5)
	if p.View() != "" {
		t.Errorf("zero width: %q", p.View())
	}
	if s.calls != 2 {
		t.Errorf("%d calls", s.calls)
	}
}

// A failed request says so (an ErrorMsg for the root, the error on the
// page) while the other request's answer shows; a refresh tries again and
// keeps the answers it had while it runs.
func TestPageErrorsAndRefresh(t *testing.T) {
	boom := errors.New("boom")
	s := &server{words: []answer{{err: boom}, {v: "ok"}}, counts: []answer{{v: 2}}}
	p := newPage(s)
	d := viewtest.New(t, p, 40, 20)
	if len(d.Emitted) != 1 {
		t.Fatalf("emitted %#v", d.Emitted)
	}
	if e, ok := d.Emitted[0].(views.ErrorMsg); !ok || e.What != "loading words" || !errors.Is(e.Err, boom) {
		t.Fatalf("emitted %#v", d.Emitted[0])
	}
	out := p.View()
	if !strings.Contains(out, "word: have false loading false err boom") || !strings.Contains(out, "Press r to try again.") ||
		!strings.Contains(out, " 1") {
		t.Fatalf("partial failure:\n%s", out)
	}
	if keys(p) != "raw JSON,refresh" {
		t.Errorf("help with one answer: %s", keys(p))
	}
	// The refresh clears the error and keeps the count while it runs.
	_, cmd := p.Update(viewtest.KeyMsg("r"))
	if out := p.View(); !strings.Contains(out, "word: have false loading true err <nil>") ||
		!strings.Contains(out, "count: have true loading true") {
		t.Errorf("reloading:\n%s", out)
	}
	d.Run(cmd)
	if out := p.View(); !strings.Contains(out, "ok 1") || strings.Contains(out, "try again") {
		t.Errorf("retried:\n%s", out)
	}
}

// The answers of a load that a newer one replaced are dropped (by the root
// and viewtest, through the page's views.Slot): only the newest show.
func TestPageDropsStaleAnswers(t *testing.T) {
	s := &server{words: []answer{{v: "old"}, {v: "new"}}, counts: []answer{{v: 1}}}
	p := newPage(s)
	p.SetSize(40, 20)
	first := p.Init()
	_, second := p.Update(viewtest.KeyMsg("r"))
	d := &viewtest.Driver{T: t, V: p}
	d.Run(first)
	if out := p.View(); strings.Contains(out, "old") || !strings.Contains(out, "word: have false loading true") {
		t.Fatalf("stale answer shown:\n%s", out)
	}
	d.Run(second)
	if out := p.View(); !strings.Contains(out, "new 0") || s.calls != 4 {
		t.Fatalf("newest answer (%d calls):\n%s", s.calls, out)
	}
}

// Once closed, the page's requests end and their errors are not told.
func TestPageClose(t *testing.T) {
	s := &server{words: []answer{{v: "w"}}, counts: []answer{{v: 1}}}
	p := newPage(s)
	p.SetSize(40, 20)
	cmd := p.Init()
	p.Close()
	d := &viewtest.Driver{T: t, V: p}
	d.Run(cmd)
	if len(d.Emitted) != 0 {
		t.Errorf("a closed page told %#v", d.Emitted)
	}
	if out := p.View(); !strings.Contains(out, "word: have false loading true") || !strings.Contains(out, "count: have true") {
		t.Errorf("closed:\n%s", out)
	}
}

// An object request that the server answers with nothing reads as the
// empty object; an error stays an error.
func TestObject(t *testing.T) {
	type obj struct{ N int }
	var ans *obj
	var fail error
	f := reportpage.Object(func(context.Context, views.API) (*obj, error) { return ans, fail })
	if v, err := f(t.Context(), nil); v == nil || v.N != 0 || err != nil {
		t.Errorf("null answer: %v, %v", v, err)
	}
	ans = &obj{N: 3}
	if v, _ := f(t.Context(), nil); v != ans {
		t.Errorf("answer %v", v)
	}
	ans, fail = nil, errors.New("boom")
	if v, err := f(t.Context(), nil); v != nil || err != fail {
		t.Errorf("failure: %v, %v", v, err)
	}
}
