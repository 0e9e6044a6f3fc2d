package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServe runs serve in-process with the environment env and returns
// the base URL, the log and a stop function that returns serve's error.
func startServe(t *testing.T, env map[string]string) (string, *syncBuffer, func() error) {
	t.Helper()
	if _, set := env["INBOXBOT_SHUTDOWN_DRAIN"]; !set {
		env = with(env, "INBOXBOT_SHUTDOWN_DRAIN", "0")
	}
	return startServeConfig(t, mustLoad(t, with(env, "INBOXBOT_HTTP_ADDR", "127.0.0.1:0")))
}

// startServeConfig is startServe with a loaded configuration, for tests
// that set what no variable sets (the back-off of platforms out of reach).
func startServeConfig(t *testing.T, cfg config) (string, *syncBuffer, func() error) {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{ReplaceAttr: hideSecrets}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, func() {}, cfg, log) }()
	var addr string
	waitFor(t, "serve to log its address", func() bool {
		for _, line := range strings.Split(logs.String(), "\n") {
			var l struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "listening" {
				addr = l.Addr
				return true
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended at start: %v\n%s", err, logs)
		default:
		}
		return false
	})
	base := "http://" + addr
	waitFor(t, "readiness", func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
			return nil
		}
	}
	t.Cleanup(func() { stop() })
	return base, logs, stop
}

func TestServe_FreshMachineRunsOnSQLiteAndExplainsItself(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	base, logs, stop := startServe(t, nil)

	if _, err := os.Stat(filepath.Join(dir, "inboxbot.db")); err != nil {
		t.Errorf("no SQLite file in the working directory: %v", err)
	}
	resp, err := http.Post(base+"/api/v1/inbound", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("inbound API without INBOXBOT_API_TOKEN: %d, want 404 (off)", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve after cancel: %v", err)
	}
	out := logs.String()
	for _, want := range []string{
		`"msg":"database migrated"`,
		"no chat platform is on",
		"inboxbot shell --as NAME",
		"to turn on slack: set SLACK_BOT_TOKEN",
		"to turn on discord: set DISCORD_BOT_TOKEN",
		"inbound API is off; set INBOXBOT_API_TOKEN",
		`"database":"sqlite:inboxbot.db"`,
		`"msg":"stopped"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func logLine(t *testing.T, logs, msg string) map[string]any {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		var l map[string]any
		if json.Unmarshal([]byte(line), &l) == nil && l["msg"] == msg {
			return l
		}
	}
	t.Fatalf("no log line %q in:\n%s", msg, logs)
	return nil
}

func TestServe_WaitsForTheDatabaseAndLogsTheWaitAsText(t *testing.T) {
	cfg := mustLoad(t, map[string]string{"DATABASE_URL": "postgres://inboxbot:DBPASSWORD@127.0.0.1:" + freePort(t) + "/inboxbot",
		"INBOXBOT_HTTP_ADDR": "127.0.0.1:0"})
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, func() {}, cfg, slog.New(slog.NewJSONHandler(logs, nil))) }()
	waitFor(t, "a retry", func() bool { return strings.Contains(logs.String(), "database not reachable yet; retrying") })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve stopped while waiting for the database: %v, want nil", err)
	}
	retry := logLine(t, logs.String(), "database not reachable yet; retrying")
	if retry["in"] != "500ms" {
		t.Errorf(`retry "in" = %#v, want "500ms"`, retry["in"])
	}
	if strings.Contains(logs.String(), "DBPASSWORD") {
		t.Errorf("the log contains the database password:\n%s", logs)
	}
}

// TestServe_APIRequestsAreLabelledByEndpoint checks the route label of the
// access log and of inboxbot_http_requests_total: the endpoint's pattern,
// and "/api/v1/" for what no endpoint takes.
func TestServe_APIRequestsAreLabelledByEndpoint(t *testing.T) {
	t.Chdir(t.TempDir())
	base, logs, _ := startServe(t, map[string]string{"DATABASE_URL": "sqlite::memory:", "INBOXBOT_API_TOKEN": "APISECRET-0123456789"})
	for _, r := range []struct{ method, path string }{
		{"POST", "/api/v1/inbound"},
		{"POST", "/api/v1/contacts/c%2F1/tags"},
		{"GET", "/api/v1/conversations?status=open"},
		{"DELETE", "/api/v1/inbound"},
		{"GET", "/api/v1/nowhere"},
	} {
		req, _ := http.NewRequest(r.method, base+r.path, strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	metrics, _ := io.ReadAll(resp.Body)
	for route, want := range map[string]int{
		"POST /api/v1/inbound": 1, "POST /api/v1/contacts/{external_id}/tags": 1, "GET /api/v1/conversations": 1, "/api/v1/": 2,
	} {
		n := 0
		for _, line := range strings.Split(string(metrics), "\n") {
			if strings.HasPrefix(line, "inboxbot_http_requests_total{") && strings.Contains(line, `route="`+route+`"`) {
				n++
			}
		}
		// Unauthorized, every request is a 401: one series per route.
		if n != 1 {
			t.Errorf("/metrics has %d inboxbot_http_requests_total series for route %q, want 1:\n%s", n, route, metrics)
		}
		if got := strings.Count(logs.String(), `"route":"`+route+`"`); got != want {
			t.Errorf("%d access log lines with route %q, want %d", got, route, want)
		}
	}
}

func TestServe_BadRulesFileStopsTheStart(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	bad := filepath.Join(dir, "team.yaml")
	os.WriteFile(bad, []byte("rules: [{name: x}]\n"), 0o600)
	cfg := mustLoad(t, map[string]string{"DATABASE_URL": "sqlite::memory:", "INBOXBOT_HTTP_ADDR": "127.0.0.1:0", "INBOXBOT_RULES_FILE": bad})
	err := serve(context.Background(), func() {}, cfg, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "INBOXBOT_RULES_FILE") || !strings.Contains(err.Error(), "trigger") {
		t.Fatalf("serve with a bad rules file: %v, want an error naming the file and the field", err)
	}
	if code := exitCode(err); code != 2 {
		t.Errorf("a rules file that does not validate exits %d, want 2 (configuration)", code)
	}
}

// TestServe_SIGTERMDrainsBeforeTheListenerCloses: on SIGTERM /readyz says
// 503 at once while the API is still served for INBOXBOT_SHUTDOWN_DRAIN,
// so a load balancer takes the replica out before connections are refused;
// then serve stops cleanly.
func TestServe_SIGTERMDrainsBeforeTheListenerCloses(t *testing.T) {
	base, logs, stop := startServe(t, map[string]string{"DATABASE_URL": "sqlite::memory:", "INBOXBOT_SHUTDOWN_DRAIN": "2s"})
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	waitFor(t, "/readyz to answer 503 during the drain", func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatalf("/readyz refused during the drain: %v\n%s", err, logs)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	})
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz during the drain: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := <-stopped; err != nil {
		t.Fatalf("serve after the drain: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("the listener still accepts after the shutdown")
	}
	if !strings.Contains(logs.String(), "http: draining") {
		t.Errorf("no drain in the log:\n%s", logs)
	}
}
