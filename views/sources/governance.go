package sources

// The list's doors to access governance (issue 9): the pending requests
// inbox (its key, and the count in the header) and the access report of
// the marked sources or the current filter.

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/report"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/accessreport"
)

// inboxCount is the number of pending access requests the caller can
// approve, as the server counts them (a size=1 query's count).
type inboxCount struct {
	n     int
	known bool
	load  views.Slot // only the newest count's answer counts
}

type pendingMsg struct {
	n  int
	ok bool
}

// pendingCount asks the server how many requests wait. A failure leaves
// the count unknown and says nothing: the header simply does not show it.
func (m *Model) pendingCount() tea.Cmd {
	sess, api, base := m.sess, m.sess.API, m.base
	return views.Latest(&m.inbox.load, func() tea.Msg {
		c, cancel := sess.WithTimeout(base)
		defer cancel()
		p, err := api.ListPendingRequests(c, apiclient.PendingOptions{Size: 1})
		if err != nil || p == nil || p.Count < 0 {
			return pendingMsg{}
		}
		return pendingMsg{n: p.Count, ok: true}
	})
}

func (m *Model) onPending(msg pendingMsg) {
	m.inbox.n, m.inbox.known = msg.n, msg.ok
}

// pendingText is the header's word on the inbox, "" while unknown or
// when none waits.
func (m *Model) pendingText() string {
	if !m.inbox.known || m.inbox.n == 0 {
		return "" // nothing waits: the header stays quiet
	}
	s := "requests"
	if m.inbox.n == 1 {
		s = "request"
	}
	return fmt.Sprintf("%s pending %s (%s)", humanCount(m.inbox.n), s, m.sess.Keys.Requests.Help().Key)
}

// exportReport opens the access report form for the marked sources, or
// else every row the list shows (the filter or the search applied).
func (m *Model) exportReport() tea.Cmd {
	var srcs []report.Source
	var what string
	if rows := m.Marked(); len(rows) > 0 {
		for _, r := range rows {
			srcs = append(srcs, report.Source{ID: r.ID, Name: r.Name})
		}
		what = fmt.Sprintf("the %d marked data sources", len(srcs))
	} else if d := m.viewDS; d != nil {
		srcs = make([]report.Source, 0, len(m.view))
		for _, i := range m.view {
			r := &d.rows[i]
			srcs = append(srcs, report.Source{ID: r.ID, Name: r.Name})
		}
		switch {
		case m.search != nil && m.query != "":
			what = fmt.Sprintf("the %d data sources of the server search that match the filter", len(srcs))
		case m.search != nil:
			what = fmt.Sprintf("the %d data sources of the server search", len(srcs))
		case m.query != "":
			what = fmt.Sprintf("the %d data sources matching the filter", len(srcs))
		default:
			what = fmt.Sprintf("all %d loaded data sources", len(srcs))
		}
	}
	if len(srcs) == 0 {
		return views.Status("no data source to report on", views.Warn)
	}
	if len(srcs) == 1 {
		what = "1 data source"
	}
	return views.OpenModal(accessreport.New(m.sess, srcs, what))
}
