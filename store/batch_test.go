package store_test

import (
	"testing"

	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// A batch is all or nothing: a statement that fails after one that
// succeeded fails the batch, and its transaction writes nothing.
func TestBatch_AFailingStatementFailsTheBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		if err := s.Batch(ctx, c.Contact.ID, "kept", "SELECT 1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Batch(ctx, c.Contact.ID, "dropped", "INSERT INTO no_such_table VALUES (1)"); err == nil {
			t.Fatal("a batch with a failing statement succeeded")
		}
		got, err := s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tags := got.Contact.Tags; len(tags) != 1 || tags[0] != "kept" {
			t.Fatalf("tags %v, want only the first batch's", tags)
		}
	})
}
