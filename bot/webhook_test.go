package bot_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// receiver is the system the conversations come from: it checks every
// delivery's signature the way docs/api.md tells receivers to, and counts
// deliveries by Idempotency-Key.
type receiver struct {
	secret string
	mu     sync.Mutex
	posts  int
	byKey  map[string]bot.WebhookPayload
	fail   func() int // status to answer instead of 200; 0 for none
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ts := r.Header.Get("X-Inboxbot-Timestamp")
	mac := hmac.New(sha256.New, []byte(rc.secret))
	mac.Write([]byte(ts + "." + string(body)))
	if r.Header.Get("X-Inboxbot-Signature") != "v1="+hex.EncodeToString(mac.Sum(nil)) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.posts++
	if rc.fail != nil {
		if code := rc.fail(); code != 0 {
			w.WriteHeader(code)
			return
		}
	}
	var p bot.WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if rc.byKey == nil {
		rc.byKey = map[string]bot.WebhookPayload{}
	}
	rc.byKey[r.Header.Get("Idempotency-Key")] = p
}

// replies makes n replies by lee on a conversation of jane's.
func replies(t *testing.T, s *store.Store, bodies ...string) {
	t.Helper()
	lee, err := s.CreateMember(ctx, inboxbot.Member{Name: "lee"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: "sms",
		Contact: inboxbot.Contact{ExternalID: "jane-1"}, Body: "hi"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bodies {
		if _, _, err := s.AddReply(ctx, inboxbot.Reply{ConversationID: res.Conversation.ID,
			Direction: inboxbot.DirectionOutbound, Author: lee.ID, Body: b}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWebhook_SignedIntactAndOncePerKeyThroughFailuresAndADeadReplica(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		long := string([]rune(strings.Repeat("Grüße, 世界! ", 400))[:4000])
		bodies := []string{long}
		for i := range 29 {
			bodies = append(bodies, fmt.Sprintf("reply %d ✓", i))
		}
		replies(t, s, bodies...)
		rnd := rand.New(rand.NewPCG(1, 2))
		rc := &receiver{secret: "s3cret", fail: func() int {
			if rnd.IntN(10) < 3 {
				return http.StatusInternalServerError
			}
			return 0
		}}
		srv := httptest.NewServer(rc)
		defer srv.Close()
		hook := &bot.Webhook{URL: srv.URL, Secret: "s3cret"}
		senders := map[inboxbot.Platform]bot.Sender{inboxbot.PlatformWebhook: hook}
		// A replica leases a batch and dies before sending: its lease must
		// run out and another replica deliver those replies.
		if _, err := s.Lease(ctx, "dead", []inboxbot.Platform{inboxbot.PlatformWebhook}, 5, time.Second); err != nil {
			t.Fatal(err)
		}
		clock := time.Now()
		s.Now = func() time.Time { return clock }
		live := &bot.Outbox{Store: s, Senders: senders, Owner: "live", Now: s.Now}
		for round := 0; round < 100 && len(rc.byKey) < len(bodies); round++ {
			clock = clock.Add(11 * time.Minute) // past any back-off and the dead lease
			if _, err := live.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if len(rc.byKey) != len(bodies) {
			t.Fatalf("delivered %d distinct replies of %d after %d posts", len(rc.byKey), len(bodies), rc.posts)
		}
		if rc.posts <= len(bodies) {
			t.Errorf("%d posts for %d replies: the failures were not exercised", rc.posts, len(bodies))
		}
		got := 0
		for _, p := range rc.byKey {
			if p.Contact.ExternalID != "jane-1" || p.Channel != "sms" || p.Message.Author != "lee" || p.ConversationID != 1 {
				t.Errorf("payload = %+v", p)
			}
			if p.Message.Body == long {
				got++
			}
		}
		if got != 1 {
			t.Errorf("the 4,000-character unicode reply arrived %d times intact, want 1", got)
		}
		msgs, _ := s.Messages(ctx, 1, 100)
		for _, m := range msgs {
			if m.Direction == inboxbot.DirectionOutbound && m.Delivery != inboxbot.DeliverySent {
				t.Errorf("message %d delivery = %q, want sent", m.ID, m.Delivery)
			}
		}
	})
}

func TestWebhook_ARefusalFailsTheReplyAndTellsItsAuthor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		replies(t, s, "hello")
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "unknown contact jane-1", http.StatusUnprocessableEntity)
		}))
		defer srv.Close()
		ob := &bot.Outbox{Store: s, Owner: "r", Senders: map[inboxbot.Platform]bot.Sender{
			inboxbot.PlatformWebhook: &bot.Webhook{URL: srv.URL, Secret: "x"}}}
		if _, err := ob.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		msgs, _ := s.Messages(ctx, 1, 10)
		last := msgs[len(msgs)-1]
		if last.Delivery != inboxbot.DeliveryFailed || !strings.Contains(last.DeliveryError, "422") || !strings.Contains(last.DeliveryError, "unknown contact") {
			t.Fatalf("reply = %+v, want failed with the receiver's words", last)
		}
		if c, _ := s.Conversation(ctx, 1); !c.ReplyFailed {
			t.Error("the conversation does not say its reply failed, so its cards cannot")
		}
		ns, _ := s.Lease(ctx, "t", []inboxbot.Platform{inboxbot.PlatformShell}, 10, time.Minute)
		if len(ns) != 1 || ns[0].Notice.Event != inboxbot.EventReplyFailed || ns[0].To != "lee" {
			t.Fatalf("author notices = %+v", ns)
		}
		text := bot.NoticeText(ns[0].Notice, bot.Plain)
		if !strings.Contains(text, `Your reply on #1 (jane-1, sms) could not be delivered: "hello"`) || !strings.Contains(text, "unknown contact") {
			t.Errorf("notice = %q", text)
		}
	})
}

// A receiver slower than a batch fits in the lease, two replicas: every
// reply is posted once (counted at the receiver, by Idempotency-Key and in
// all), not again by the replica that took over the end of the batch.
func TestWebhook_SlowReceiverTwoReplicasPostEveryReplyOnce(t *testing.T) {
	s := storetest.Open(t, "postgres")
	const n = 20
	bodies := make([]string, n)
	for i := range bodies {
		bodies[i] = fmt.Sprintf("reply %d", i)
	}
	replies(t, s, bodies...)
	rc := &receiver{secret: "s3cret"}
	keys := map[string]int{}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(250 * time.Millisecond) // the receiver is slow; the client waits
		mu.Lock()
		keys[r.Header.Get("Idempotency-Key")]++
		mu.Unlock()
		rc.ServeHTTP(w, r)
	}))
	defer srv.Close()
	hook := &bot.Webhook{URL: srv.URL, Secret: "s3cret"}
	run, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, owner := range []string{"r1", "r2"} {
		o := &bot.Outbox{Store: s, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformWebhook: hook}, Owner: owner,
			Lease: 2 * time.Second, Batch: n, Poll: 20 * time.Millisecond, Log: quiet()}
		wg.Go(func() { o.Run(run) })
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := s.OutboxCounts(ctx)
		if err == nil && c["pending"] == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replies still pending: %v", c)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	wg.Wait()
	if rc.posts != n || len(keys) != n {
		t.Fatalf("the receiver got %d posts with %d keys, want %d", rc.posts, len(keys), n)
	}
	for k, c := range keys {
		if c > 1 {
			t.Errorf("reply %s posted %d times", k, c)
		}
	}
}
