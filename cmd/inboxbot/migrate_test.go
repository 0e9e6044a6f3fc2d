package main

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/inboxbot/inboxbot/store/storetest"
)

// TestOpenMigrated_ConcurrentStartsMigrateOnce starts eight "replicas" on
// one fresh PostgreSQL schema at once: the store's advisory lock lets one
// migrate, the others wait and find nothing to do, and all of them start.
func TestOpenMigrated_ConcurrentStartsMigrateOnce(t *testing.T) {
	url := storetest.URL(t, "postgres")
	cfg := config{DatabaseURL: url}
	logs := make([]*syncBuffer, 8)
	var wg sync.WaitGroup
	for i := range logs {
		logs[i] = &syncBuffer{}
		wg.Go(func() {
			st, err := openMigrated(context.Background(), cfg, slog.New(slog.NewJSONHandler(logs[i], nil)))
			if err != nil {
				t.Errorf("replica %d: %v", i, err)
				return
			}
			st.Close()
		})
	}
	wg.Wait()
	migrated := 0
	for _, l := range logs {
		migrated += strings.Count(l.String(), `"msg":"database migrated"`)
	}
	if migrated != 1 {
		t.Errorf("%d replicas migrated, want exactly 1", migrated)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var dup int
	if err := db.QueryRow("SELECT count(*) FROM (SELECT name FROM inboxbot_migrations GROUP BY name HAVING count(*) > 1) d").Scan(&dup); err != nil {
		t.Fatal(err)
	}
	if dup != 0 {
		t.Errorf("%d migrations recorded more than once", dup)
	}
}
