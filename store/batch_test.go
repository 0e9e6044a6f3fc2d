package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// A batch is all or nothing: a statement that fails after one that
// succeeded fails the batch, and its transaction writes nothing. So it is
// when its statements are kept planned (a pipeline on PostgreSQL).
func TestBatch_AFailingStatementFailsTheBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		for _, way := range []struct {
			ctx        context.Context
			kept, lost string
		}{{ctx, "kept", "dropped"}, {store.Planned(ctx), "kept-planned", "dropped-planned"}} {
			if err := s.Batch(way.ctx, c.Contact.ID, way.kept, "SELECT 1"); err != nil {
				t.Fatal(err)
			}
			if err := s.Batch(way.ctx, c.Contact.ID, way.lost, "INSERT INTO no_such_table VALUES (1)"); err == nil {
				t.Fatalf("a batch with a failing statement succeeded (%s)", way.kept)
			}
		}
		got, err := s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tags := got.Contact.Tags; !slices.Equal(tags, []string{"kept", "kept-planned"}) {
			t.Fatalf("tags %v, want only the first batches'", tags)
		}
	})
}
