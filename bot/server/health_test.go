package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func readyz(t *testing.T, st *store.Store) int {
	t.Helper()
	s := server.New(server.Options{Log: slog.New(slog.DiscardHandler), Ready: server.StoreReady(st)})
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	return w.Code
}

func TestReadyz_503BeforeMigrationsThen200(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(ctx, storetest.URL(t, dialect))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if got := readyz(t, st); got != http.StatusServiceUnavailable {
				t.Fatalf("/readyz before migrations = %d, want 503", got)
			}
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if got := readyz(t, st); got != http.StatusOK {
				t.Fatalf("/readyz after migrations = %d, want 200", got)
			}
		})
	}
}

func TestReadyz_503WithTheDatabaseUnreachable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if got := readyz(t, st); got != http.StatusOK {
			t.Fatalf("/readyz with the database up = %d, want 200", got)
		}
		st.Close()
		if got := readyz(t, st); got != http.StatusServiceUnavailable {
			t.Fatalf("/readyz with the database gone = %d, want 503", got)
		}
	})
}
