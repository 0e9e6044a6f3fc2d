package store

import (
	"context"
	"os"
	"testing"
)

// TestOpen_PostgresConnectionsHaveAStatementTimeout: no statement may wait
// on a stalled server for ever; a URL that sets its own timeout wins.
func TestOpen_PostgresConnectionsHaveAStatementTimeout(t *testing.T) {
	url := os.Getenv("INBOXBOT_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("INBOXBOT_TEST_DATABASE_URL is not set")
	}
	for _, tc := range []struct{ url, want string }{
		{url, "15s"},
		{url + "&statement_timeout=2500", "2500ms"},
	} {
		s, err := Open(context.Background(), tc.url)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = s.db.QueryRowContext(context.Background(), "SHOW statement_timeout").Scan(&got)
		s.Close()
		if err != nil || got != tc.want {
			t.Errorf("statement_timeout = %q, %v; want %q", got, err, tc.want)
		}
	}
}
