package proposal_test

// The tests of this package's external test files run the whole stack:
// real PostgreSQL (internal/testdb: the shared catalog, the demo units and
// the demo proposals), the real HTTP handler with real tokens, and the
// LISTEN/NOTIFY broker.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"tthc/demo"
	"tthc/internal/auth"
	"tthc/internal/catalog"
	"tthc/internal/httpserver"
	"tthc/internal/postgres"
	"tthc/internal/proposal"
	"tthc/internal/pubsub"
	"tthc/internal/testdb"
)

var secret = []byte("test-secret-test-secret-test-sec")

// The actors of the tests, after the demo users. Đô Lương (40-DL) is under
// Nghệ An (40); Tân Kỳ (40-TK) is its sibling; Nghệ An reviews both.
var (
	officerDL  = auth.Actor{Subject: "officer.doluong", Name: "Cán bộ Đô Lương", Roles: []auth.Role{auth.Officer}, UnitCode: "40-DL"}
	officerNA  = auth.Actor{Subject: "officer.nghean", Name: "Cán bộ Nghệ An", Roles: []auth.Role{auth.Officer}, UnitCode: "40"}
	officerTK  = auth.Actor{Subject: "officer.tanky", Name: "Cán bộ Tân Kỳ", Roles: []auth.Role{auth.Officer}, UnitCode: "40-TK"}
	reviewerNA = auth.Actor{Subject: "reviewer.nghean", Name: "Chuyên viên Nghệ An", Roles: []auth.Role{auth.Reviewer}, UnitCode: "40"}
	reviewerN2 = auth.Actor{Subject: "reviewer2.nghean", Name: "Chuyên viên 2 Nghệ An", Roles: []auth.Role{auth.Reviewer}, UnitCode: "40"}
	reviewerTP = auth.Actor{Subject: "reviewer.botuphap", Name: "Chuyên viên Bộ Tư pháp", Roles: []auth.Role{auth.Reviewer}, UnitCode: "BO-TP"}
	analyst    = auth.Actor{Subject: "analyst", Name: "Phân tích", Roles: []auth.Role{auth.Analyst}}
	admin      = auth.Actor{Subject: "admin", Name: "Quản trị", Roles: []auth.Role{auth.Admin}}
)

type env struct {
	url      string
	db       *postgres.DB
	workflow *proposal.Service
	broker   *pubsub.Broker
	srv      *httptest.Server
}

// newEnv starts the API on a fresh copy of the catalog with the demo
// proposals.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	url := testdb.Catalog(t)
	db := testdb.Open(t, url)
	if err := demo.SeedProposals(ctx, db); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	verifier, err := auth.NewVerifier(auth.Config{HS256Secret: secret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	bctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	broker, err := pubsub.NewBroker(bctx, db, pubsub.Config{URL: url,
		MinReconnect: 50 * time.Millisecond, MaxReconnect: 500 * time.Millisecond, PingInterval: time.Second}, logger)
	if err != nil {
		t.Fatal(err)
	}
	go broker.Run(bctx)
	srv := httptest.NewServer(httpserver.NewServer(httpserver.Config{Logger: logger, DB: db,
		RequestTimeout: 30 * time.Second, MaxBodyBytes: 1 << 20, Verifier: verifier, Broker: broker}))
	t.Cleanup(srv.Close)
	return &env{url: url, db: db, workflow: proposal.NewService(db), broker: broker, srv: srv}
}

func token(t *testing.T, a auth.Actor) string {
	t.Helper()
	tok, err := auth.Mint(auth.MintConfig{Secret: secret, Issuer: "tthc", Audience: "tthc-api",
		Subject: a.Subject, Name: a.Name, Roles: a.Roles, Unit: a.UnitCode, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// code is the first top-level error code, or "".
func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// query posts a GraphQL operation as a (nil: anonymous) with raw
// authorization header auth when a is nil and auth is set.
func (e *env) query(t *testing.T, a *auth.Actor, q string, vars map[string]any) response {
	t.Helper()
	header := ""
	if a != nil {
		header = "Bearer " + token(t, *a)
	}
	return e.queryWithHeader(t, header, q, vars)
}

func (e *env) queryWithHeader(t *testing.T, header, q string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode response (status %d): %v", resp.StatusCode, err)
	}
	return out
}

// must fails the test on any top-level error and decodes data into v.
func (r response) must(t *testing.T, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatal(err)
	}
}

func gid(typ string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + strconv.FormatInt(id, 10)))
}

func (e *env) unitID(t *testing.T, code string) int64 {
	t.Helper()
	u, err := e.db.UnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func (e *env) procedureID(t *testing.T, code string) int64 {
	t.Helper()
	p, err := e.db.ProcedureByCode(context.Background(), code, catalog.AllTexts)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func params(hours string, applicants int64) proposal.CostParameters {
	d := decimal.RequireFromString
	return proposal.CostParameters{ProcessingDays: d("5"), Fee: d("0"), Documents: 3, Hours: d(hours),
		HourlyRate: d("37500"), TimesPerYear: d("1"), ApplicantsPerYear: applicants}
}

// draft creates a draft through the store as officer a, for unit code
// (the officer's unit when "") about the procedure with code.
func (e *env) draft(t *testing.T, a auth.Actor, unit, code string) proposal.Proposal {
	t.Helper()
	n := proposal.New{ProcedureID: e.procedureID(t, code), Content: proposal.Content{
		Kinds: []proposal.Kind{proposal.KindCutTime}, Title: fmt.Sprintf("Đề xuất thử %d", time.Now().UnixNano()),
		Changes: "Rút thời hạn", Reasons: "Thử", Before: params("6", 100), After: params("2", 100)}}
	if unit != "" {
		id := e.unitID(t, unit)
		n.ProposingUnitID = &id
	}
	p, _, err := e.workflow.Create(context.Background(), a, n)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// advance takes a draft of Đô Lương (or any unit Nghệ An reviews) to
// status to through the store, as the demo officer and reviewer would.
func (e *env) advance(t *testing.T, p proposal.Proposal, to proposal.Status) proposal.Proposal {
	t.Helper()
	steps := map[proposal.Status][]struct {
		a    auth.Actor
		step proposal.Step
	}{}
	submit := proposal.Step{Action: proposal.ActionSubmit, To: proposal.StatusSubmitted}
	review := proposal.Step{Action: proposal.ActionStartReview, To: proposal.StatusUnderReview}
	approve := proposal.Step{Action: proposal.ActionDecide, To: proposal.StatusApproved, Comment: "ok"}
	implement := proposal.Step{Action: proposal.ActionMarkImplemented, To: proposal.StatusImplemented, ImplementedByNumber: "1/2026/QĐ-UBND"}
	type s = struct {
		a    auth.Actor
		step proposal.Step
	}
	steps[proposal.StatusDraft] = nil
	steps[proposal.StatusSubmitted] = []s{{officerDL, submit}}
	steps[proposal.StatusUnderReview] = []s{{officerDL, submit}, {reviewerNA, review}}
	steps[proposal.StatusApproved] = []s{{officerDL, submit}, {reviewerNA, review}, {reviewerNA, approve}}
	steps[proposal.StatusImplemented] = []s{{officerDL, submit}, {reviewerNA, review}, {reviewerNA, approve}, {officerDL, implement}}
	list, ok := steps[to]
	if !ok {
		t.Fatalf("advance: no path to %s", to)
	}
	for _, st := range list {
		var err error
		if p, _, err = e.workflow.Transition(context.Background(), st.a, p.ID, p.Version, st.step); err != nil {
			t.Fatalf("advance to %s: %s: %v", to, st.step.Action, err)
		}
	}
	return p
}

// reload reads a proposal as an analyst would.
func (e *env) reload(t *testing.T, id int64) proposal.Proposal {
	t.Helper()
	ps, err := e.db.ProposalsByIDs(context.Background(), proposal.Visibility{All: true}, []int64{id})
	if err != nil || len(ps) != 1 {
		t.Fatalf("reload %d: %v (%d rows)", id, err, len(ps))
	}
	return ps[0]
}

func (e *env) events(t *testing.T, id int64) []proposal.Event {
	t.Helper()
	m, err := e.db.EventsByProposal(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	return m[id]
}
