package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestConversations_SLAFilterAndJSON(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	e := newEnv(t, s).withTeam(team)
	policy := []inboxbot.Policy{{Name: "Fast", FirstResponse: 30 * time.Second, Hours: inboxbot.HoursAlways}}
	if err := s.ApplyTeamFile(bg, nil, nil, policy); err != nil {
		t.Fatal(err)
	}
	if r := e.do("POST", "/api/v1/inbound", inboundBody("c-1", "web", "m-1", "hello")); r.status/100 != 2 {
		t.Fatalf("inbound = %d %s", r.status, r.body)
	}
	due := e.do("GET", "/api/v1/conversations?sla=due", "").list(t)
	if len(due) != 1 {
		t.Fatalf("?sla=due = %v", due)
	}
	sla, _ := due[0]["sla"].(map[string]any)
	if sla["policy"] != "Fast" || sla["first_response_due"] != "2026-12-03T10:00:30Z" || sla["next_response_due"] != nil {
		t.Fatalf("sla = %v", due[0]["sla"])
	}
	now = now.Add(31 * time.Second)
	if _, err := s.SLATimer(bg, nil, nil); err != nil {
		t.Fatal(err)
	}
	breached := e.do("GET", "/api/v1/conversations?sla=breached", "").list(t)
	if len(breached) != 1 {
		t.Fatalf("?sla=breached = %v", breached)
	}
	if b := breached[0]["sla"].(map[string]any)["breached"].([]any); len(b) != 1 || b[0] != "first_response" {
		t.Fatalf("breached = %v", b)
	}
	if r := e.do("GET", "/api/v1/conversations?sla=due", ""); r.body != "[]\n" {
		t.Fatalf("?sla=due after the breach = %s", r.body)
	}
	if r := e.do("GET", "/api/v1/conversations?sla=late", ""); r.status != http.StatusBadRequest || r.json(t)["error"] != `sla must be due or breached (got "late")` {
		t.Fatalf("?sla=late = %d %s", r.status, r.body)
	}
}
