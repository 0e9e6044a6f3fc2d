package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// scrape fetches /metrics and parses it as the Prometheus text format.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics = %d: %s", w.Code, w.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(w.Body)
	if err != nil {
		t.Fatalf("/metrics is not Prometheus text: %v", err)
	}
	return fams
}

// value returns the value of the series of family name with the labels.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric family %s", name)
	}
next:
	for _, m := range f.Metric {
		for k, v := range labels {
			found := false
			for _, lp := range m.Label {
				if lp.GetName() == k && lp.GetValue() == v {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("no series %s%v", name, labels)
	return 0
}

func TestMetrics_ParseAndCoverTheProduct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		dana, err := st.CreateMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Contact: inboxbot.Contact{ExternalID: "c1"},
			Channel: "sms", MessageID: "m1", Body: "hello"}, func(inboxbot.RouteInput) inboxbot.Decision { return inboxbot.Decision{} })
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Assign(ctx, inboxbot.Change{ConversationID: res.Conversation.ID, To: dana.ID, Via: inboxbot.ViaAPI}); err != nil {
			t.Fatal(err)
		}

		m := server.NewMetrics()
		m.WatchStore(st)
		s := server.New(server.Options{Log: slog.New(slog.DiscardHandler), Metrics: m})
		h := s.Handler()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nowhere", nil))
		m.Command("claim", "ok")
		m.Command("contact assign", "rejected")
		m.Command("", "rejected")
		m.Command("drop table", "weird")
		for _, c := range []string{"close", "reopen", "reply", "note"} {
			m.Command(c, "ok")
		}

		fams := scrape(t, h)
		for _, name := range []string{
			"inboxbot_http_requests_total", "inboxbot_http_request_duration_seconds", "inboxbot_commands_total",
			"inboxbot_assignments_total", "inboxbot_notifications", "inboxbot_database_up",
			"inboxbot_db_open_connections", "inboxbot_db_in_use_connections", "inboxbot_db_wait_count_total",
			"go_goroutines", "process_cpu_seconds_total",
		} {
			if _, ok := fams[name]; !ok {
				t.Errorf("/metrics lacks %s", name)
			}
		}
		if got := value(t, fams, "inboxbot_http_requests_total", map[string]string{"route": "GET /healthz", "code": "200"}); got != 1 {
			t.Errorf("healthz requests = %v, want 1", got)
		}
		if got := value(t, fams, "inboxbot_http_requests_total", map[string]string{"route": "unmatched", "code": "404"}); got != 1 {
			t.Errorf("unmatched requests = %v, want 1", got)
		}
		if got := value(t, fams, "inboxbot_http_request_duration_seconds", map[string]string{"route": "GET /healthz"}); got != 1 {
			t.Errorf("healthz duration samples = %v, want 1", got)
		}
		for _, c := range []struct{ command, outcome string }{
			{"claim", "ok"}, {"contact assign", "rejected"}, {"unknown", "rejected"}, {"other", "error"},
			{"close", "ok"}, {"reopen", "ok"}, {"reply", "ok"}, {"note", "ok"},
		} {
			if got := value(t, fams, "inboxbot_commands_total", map[string]string{"command": c.command, "outcome": c.outcome}); got != 1 {
				t.Errorf("commands{%s,%s} = %v, want 1", c.command, c.outcome, got)
			}
		}
		if got := value(t, fams, "inboxbot_assignments_total", map[string]string{"via": "api"}); got != 1 {
			t.Errorf("assignments{via=api} = %v, want 1", got)
		}
		if got := value(t, fams, "inboxbot_assignments_total", map[string]string{"via": "slack"}); got != 0 {
			t.Errorf("assignments{via=slack} = %v, want 0", got)
		}
		// dana was notified of the assignment: one pending DM.
		if got := value(t, fams, "inboxbot_notifications", map[string]string{"state": "pending"}); got != 1 {
			t.Errorf("notifications{state=pending} = %v, want 1", got)
		}
		if got := value(t, fams, "inboxbot_outbox_pending", nil); got != 1 {
			t.Errorf("outbox_pending = %v, want 1", got)
		}
		if got := value(t, fams, "inboxbot_database_up", nil); got != 1 {
			t.Errorf("database_up = %v, want 1", got)
		}
	})
}

func TestMetrics_DatabaseDownKeepsTheRestOfTheScrape(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	m := server.NewMetrics()
	m.WatchStore(st)
	st.Close()
	s := server.New(server.Options{Log: slog.New(slog.DiscardHandler), Metrics: m})
	fams := scrape(t, s.Handler())
	if got := value(t, fams, "inboxbot_database_up", nil); got != 0 {
		t.Errorf("database_up = %v with the database closed, want 0", got)
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Error("a database failure dropped the process metrics")
	}
}

// TestMetrics_DatabaseFiguresAreReadAtMostOnceASecond: /metrics must not
// be a cheap way to load the database: scrapes within a second share one
// read.
func TestMetrics_DatabaseFiguresAreReadAtMostOnceASecond(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	m := server.NewMetrics()
	m.WatchStore(st)
	h := server.New(server.Options{Log: slog.New(slog.DiscardHandler), Metrics: m}).Handler()
	if got := value(t, scrape(t, h), "inboxbot_database_up", nil); got != 1 {
		t.Fatalf("database_up = %v", got)
	}
	st.Close() // a scrape that queried now would report the database down
	if got := value(t, scrape(t, h), "inboxbot_database_up", nil); got != 1 {
		t.Fatal("a second scrape within a second queried the database again")
	}
}
