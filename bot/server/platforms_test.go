package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/inboxbot/inboxbot/bot/server"
)

func TestReadyz_NamesThePlatformsWithoutDependingOnThem(t *testing.T) {
	platforms := func() map[string]string { return map[string]string{"slack": "connected", "discord": "down"} }
	for _, c := range []struct {
		name  string
		ready error
		code  int
	}{
		{"database up", nil, http.StatusOK},
		{"database down", &server.Unready{Reason: "database unreachable", Err: errors.New("dial")}, http.StatusServiceUnavailable},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := server.New(server.Options{Log: slog.New(slog.DiscardHandler), Platforms: platforms,
				Ready: func(context.Context) error { return c.ready }})
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
			var body struct {
				Status    string
				Platforms map[string]string
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if w.Code != c.code || body.Platforms["discord"] != "down" || body.Platforms["slack"] != "connected" {
				t.Fatalf("/readyz = %d %s", w.Code, w.Body)
			}
		})
	}
}
