package bot_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// board is a CardRenderer that keeps the cards it posted, counts posts and
// edits, and fails while fail says so.
type board struct {
	mu           sync.Mutex
	posts, edits int
	shown        map[string]string // message id -> assignee shown
	fail         func(job store.CardJob) error
}

func (b *board) RenderCard(_ context.Context, job store.CardJob) (inboxbot.Card, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail != nil {
		if err := b.fail(job); err != nil {
			return inboxbot.Card{}, err
		}
	}
	card := job.Card
	if card.MessageID == "" {
		b.posts++
		card.Channel, card.MessageID = "C1", fmt.Sprintf("m%d", job.Conversation.ID)
	} else {
		b.edits++
	}
	if b.shown == nil {
		b.shown = map[string]string{}
	}
	b.shown[card.MessageID] = job.Conversation.AssigneeName
	return card, nil
}

func TestCards_PostOnceEditAfterChangesAndRetryFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		lee, err := s.CreateMember(ctx, inboxbot.Member{Name: "lee"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: "sms",
			Contact: inboxbot.Contact{ExternalID: "jane"}, Body: "hi"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b := &board{}
		cards := &bot.Cards{Store: s, Platform: inboxbot.PlatformSlack, Renderer: b, Owner: "r1"}
		if n, err := cards.Flush(ctx); n != 1 || err != nil || b.posts != 1 {
			t.Fatalf("first flush: %d, %v, %d posts", n, err, b.posts)
		}
		if n, _ := cards.Flush(ctx); n != 0 {
			t.Fatalf("an unchanged card was rendered again")
		}
		// Three changes before the next round cost one edit.
		id := res.Conversation.ID
		if _, _, err := s.Claim(ctx, id, lee.ID, inboxbot.ViaShell); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Follow(ctx, id, lee.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: id, Actor: lee.ID}); err != nil {
			t.Fatal(err)
		}
		b.fail = func(store.CardJob) error { return fmt.Errorf("platform down") }
		if n, err := cards.Flush(ctx); n != 0 || err != nil {
			t.Fatalf("failing flush: %d, %v", n, err)
		}
		// The failed card waits for its back-off; a later round, once due, edits it.
		b.fail = nil
		if n, _ := cards.Flush(ctx); n != 0 {
			t.Fatal("a failed card was retried before its back-off")
		}
		later := &bot.Cards{Store: s, Platform: inboxbot.PlatformSlack, Renderer: b, Owner: "r2"}
		s.Now = func() time.Time { return time.Now().Add(time.Minute) }
		if n, err := later.Flush(ctx); n != 1 || err != nil || b.edits != 1 || b.posts != 1 {
			t.Fatalf("after the back-off: %d, %v, %d edits, %d posts", n, err, b.edits, b.posts)
		}
		if got := b.shown["m1"]; got != "" {
			t.Errorf("card shows assignee %q, want the Team inbox", got)
		}
	})
}
