package proposal_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"tthc/internal/auth"
	"tthc/internal/proposal"
	"tthc/internal/pubsub"
)

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

type subscriber struct {
	t    *testing.T
	conn *websocket.Conn
}

// subscribe opens a graphql-transport-ws connection as a (anonymous when
// nil) and subscribes to proposalEvents.
func (e *env) subscribe(t *testing.T, a *auth.Actor, filter string) *subscriber {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	init := map[string]any{}
	if a != nil {
		init["Authorization"] = "Bearer " + token(t, *a)
	}
	payload, _ := json.Marshal(init)
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	s := &subscriber{t: t, conn: conn}
	if m := s.next(5 * time.Second); m.Type != "connection_ack" {
		t.Fatalf("got %+v, want connection_ack", m)
	}
	q, _ := json.Marshal(map[string]any{"query": `subscription { proposalEvents` + filter + ` { from to proposal { id status } actor { subject } } }`})
	if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: q}); err != nil {
		t.Fatal(err)
	}
	return s
}

// next returns the next message other than a keep-alive, or one of type
// "timeout".
func (s *subscriber) next(wait time.Duration) wsMessage {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, s.conn, &m); err != nil {
			if ctx.Err() != nil {
				return wsMessage{Type: "timeout"}
			}
			s.t.Fatalf("read: %v", err)
		}
		if m.Type != "ping" && m.Type != "pong" {
			return m
		}
	}
}

type eventData struct {
	Data struct {
		ProposalEvents struct {
			From     *string
			To       string
			Proposal struct{ ID, Status string }
			Actor    struct{ Subject string }
		}
	}
}

func (s *subscriber) event(wait time.Duration) (eventData, bool) {
	s.t.Helper()
	m := s.next(wait)
	if m.Type == "timeout" {
		return eventData{}, false
	}
	if m.Type != "next" {
		s.t.Fatalf("got %s %s, want next", m.Type, m.Payload)
	}
	var d eventData
	if err := json.Unmarshal(m.Payload, &d); err != nil {
		s.t.Fatal(err)
	}
	return d, true
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSubscription: a subscriber over a real WebSocket sees each
// transition of the proposals it may read, in order, and nothing else.
func TestSubscription(t *testing.T) {
	e := newEnv(t)
	doLuong := e.subscribe(t, &officerDL, "")
	tanKy := e.subscribe(t, &officerTK, "")
	approvals := e.subscribe(t, &analyst, `(filter: {statuses: [APPROVED]})`)
	waitFor(t, "three subscribers", func() bool { return e.broker.Subscribers() == 3 })

	p := e.advance(t, e.draft(t, officerDL, "", "1.005136"), proposal.StatusImplemented)
	want := []string{"DRAFT", "SUBMITTED", "UNDER_REVIEW", "APPROVED", "IMPLEMENTED"}
	for i, to := range want {
		d, ok := doLuong.event(10 * time.Second)
		if !ok {
			t.Fatalf("event %d (%s) did not arrive", i, to)
		}
		ev := d.Data.ProposalEvents
		if ev.To != to || ev.Proposal.ID != gid("Proposal", p.ID) {
			t.Errorf("event %d: %s of %s, want %s of %s", i, ev.To, ev.Proposal.ID, to, gid("Proposal", p.ID))
		}
		if (i == 0) != (ev.From == nil) {
			t.Errorf("event %d: from %v", i, ev.From)
		}
	}
	// Tân Kỳ's officer got none of those: the first event it sees is its
	// own unit's.
	own := e.draft(t, officerTK, "", "1.005136")
	d, ok := tanKy.event(10 * time.Second)
	if !ok || d.Data.ProposalEvents.Proposal.ID != gid("Proposal", own.ID) {
		t.Errorf("Tân Kỳ's subscriber got %+v (%v), want only its own proposal's event", d, ok)
	}
	// A status filter picks transitions by where they lead: the
	// subscriber of approvals got exactly the approval of the first
	// proposal, and then of a second one.
	approved := e.advance(t, e.draft(t, officerDL, "", "1.005136"), proposal.StatusApproved)
	for _, id := range []int64{p.ID, approved.ID} {
		d, ok := approvals.event(10 * time.Second)
		if !ok {
			t.Fatal("an approval did not arrive")
		}
		if ev := d.Data.ProposalEvents; ev.To != "APPROVED" || ev.Proposal.ID != gid("Proposal", id) {
			t.Errorf("subscriber of approvals got %s of %s, want APPROVED of %s", ev.To, ev.Proposal.ID, gid("Proposal", id))
		}
	}

	// Without a token the subscription is refused (gqlgen sends the field
	// error as a "next" message with no data).
	anon := e.subscribe(t, nil, "")
	if m := anon.next(5 * time.Second); !strings.Contains(string(m.Payload), "UNAUTHENTICATED") {
		t.Errorf("anonymous subscription: %s %s", m.Type, m.Payload)
	}
}

// TestListenerSurvivesTerminate kills the broker's database connection:
// the listener reconnects, delivers what happened meanwhile and goes on.
func TestListenerSurvivesTerminate(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notices := e.broker.Subscribe(ctx)
	db, err := sql.Open("postgres", e.url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	listenerPID := func() int {
		var pid int
		err := db.QueryRow(`SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
			pubsub.ListenerApplicationName).Scan(&pid)
		if err != nil {
			t.Fatal(err)
		}
		return pid
	}
	before := listenerPID()
	if before == 0 {
		t.Fatal("no listener connection")
	}
	var killed bool
	if err := db.QueryRow(`SELECT pg_terminate_backend($1)`, before).Scan(&killed); err != nil || !killed {
		t.Fatalf("terminate: %v %v", killed, err)
	}
	// Written while the listener is away: delivered by the catch-up.
	p := e.draft(t, officerDL, "", "1.005136")
	expect := func(what string, eventTo proposal.Status) {
		t.Helper()
		select {
		case n, ok := <-notices:
			if !ok {
				t.Fatalf("%s: the subscription ended", what)
			}
			evs := e.events(t, p.ID)
			last := evs[len(evs)-1]
			if n.ProposalID != p.ID || n.EventID != last.ID || last.To != eventTo {
				t.Errorf("%s: notice %+v, want event %d (%s) of %d", what, n, last.ID, eventTo, p.ID)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("%s: no notice", what)
		}
	}
	expect("the event written during the outage", proposal.StatusDraft)
	waitFor(t, "a new listener connection", func() bool { pid := listenerPID(); return pid != 0 && pid != before })
	// Written after it is back: delivered by NOTIFY.
	p = e.advance(t, p, proposal.StatusSubmitted)
	expect("the event written after reconnecting", proposal.StatusSubmitted)
	if n := e.broker.Reconnects(); n != 1 {
		t.Errorf("the broker counts %d reconnections, want 1 (the metric reads it)", n)
	}
	select {
	case n := <-notices:
		t.Errorf("unexpected extra notice %+v (a duplicate?)", n)
	case <-time.After(300 * time.Millisecond):
	}
}
