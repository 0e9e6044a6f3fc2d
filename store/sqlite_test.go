package store_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// TestSQLite_TwoProcessesOnOneFileWaitTheirTurn opens one SQLite file twice,
// as `inboxbot serve` and `inboxbot rules apply` do, and writes from both at
// once. A deferred transaction that read first cannot wait for the lock
// (SQLite answers "database is locked" at once, busy_timeout unused); write
// transactions must start IMMEDIATE so the second writer waits its turn.
func TestSQLite_TwoProcessesOnOneFileWaitTheirTurn(t *testing.T) {
	url := "sqlite:" + filepath.Join(t.TempDir(), "inboxbot.db")
	var stores [2]*store.Store
	for i := range stores {
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	if _, err := stores[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 60
	var wg sync.WaitGroup
	errs := make(chan error, 4*n)
	for i, s := range stores {
		wg.Go(func() {
			for j := range n {
				name := fmt.Sprintf("m%d-%d", i, j%5)
				if _, err := s.UpsertMember(ctx, inboxbot.Member{Name: name, Role: inboxbot.RoleAgent}); err != nil {
					errs <- err
				}
				in := inboxbot.Inbound{Kind: "message", Contact: inboxbot.Contact{ExternalID: fmt.Sprintf("c%d-%d", i, j)}, Channel: "sms", Body: "hi"}
				if _, err := s.AddInbound(ctx, in, nil); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a writer did not wait its turn: %v", err)
	}
}
