// Package storetest opens throwaway stores for tests: SQLite in memory, and
// PostgreSQL in a schema of its own on the server named by
// INBOXBOT_TEST_DATABASE_URL.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/inboxbot/inboxbot/store"
)

// EnvURL names the PostgreSQL server tests use. When it is set, a server
// that does not answer fails the tests instead of skipping them.
const EnvURL = "INBOXBOT_TEST_DATABASE_URL"

// Dialects are the names Each runs under.
var Dialects = []string{"sqlite", "postgres"}

// Each runs fn as a subtest on a fresh SQLite store and a fresh PostgreSQL store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

// Open returns a migrated, empty store of the dialect, closed (and its
// schema dropped) when the test ends. PostgreSQL tests are skipped when
// INBOXBOT_TEST_DATABASE_URL is unset.
func Open(t testing.TB, dialect string) *store.Store {
	t.Helper()
	u := URL(t, dialect)
	s, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s store: %v", dialect, err)
	}
	return s
}

// URL returns a DATABASE_URL for a fresh, empty database of the dialect:
// an in-memory SQLite database, or a new PostgreSQL schema dropped when the
// test ends.
func URL(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == "sqlite" {
		return "sqlite::memory:"
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skipf("PostgreSQL tests need %s (the test command sets it)", EnvURL)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("PostgreSQL at %s is not usable: %v", EnvURL, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	pu, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	q := pu.Query()
	q.Set("search_path", schema)
	pu.RawQuery = q.Encode()
	return pu.String()
}
