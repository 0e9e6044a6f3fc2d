// Package bench measures the store's hot paths on SQLite and PostgreSQL:
// go test -bench . -benchtime 2000x ./bench/ (PostgreSQL from
// INBOXBOT_TEST_DATABASE_URL, as the test command sets it).
package bench

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

var ctx = context.Background()

func eachDialect(b *testing.B, fn func(b *testing.B, s *store.Store)) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) { fn(b, storetest.Open(b, d)) })
	}
}

// BenchmarkInbound is one inbound message opening a new conversation: the
// webhook's whole database work.
func BenchmarkInbound(b *testing.B) {
	eachDialect(b, func(b *testing.B, s *store.Store) {
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				_, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms",
					Contact: inboxbot.Contact{ExternalID: fmt.Sprint("c", i)}, MessageID: fmt.Sprint("m", i), Body: "hi"}, nil)
				if err != nil {
					b.Error(err)
				}
			}
		})
	})
}

// BenchmarkClaim is the Claim button: a conditional update, its event and
// the conversation read back for the reply.
func BenchmarkClaim(b *testing.B) {
	eachDialect(b, func(b *testing.B, s *store.Store) {
		m, err := s.CreateMember(ctx, inboxbot.Member{Name: "dana"})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]int64, b.N)
		for i := range ids {
			res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms",
				Contact: inboxbot.Contact{ExternalID: fmt.Sprint("c", i)}, Body: "hi"}, nil)
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = res.Conversation.ID
		}
		var next atomic.Int64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, _, err := s.Claim(ctx, ids[next.Add(1)-1], m.ID, inboxbot.ViaSlack); err != nil {
					b.Error(err)
				}
			}
		})
	})
}

// BenchmarkTeamInbox lists the first page of a Team inbox of 2,000 open
// conversations.
func BenchmarkTeamInbox(b *testing.B) {
	eachDialect(b, func(b *testing.B, s *store.Store) {
		for i := 0; i < 2000; i++ {
			if _, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms",
				Contact: inboxbot.Contact{ExternalID: fmt.Sprint("c", i), Tags: []string{"vip"}}, Body: "hi"}, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			list, err := s.List(ctx, inboxbot.Filter{Unassigned: true, Status: inboxbot.StatusOpen, Limit: 20})
			if err != nil || len(list) != 20 {
				b.Fatalf("list: %d, %v", len(list), err)
			}
		}
	})
}
