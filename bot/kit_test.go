package bot_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot"
)

func TestAnswer_InTimeAnswersAtOnceWithoutAck(t *testing.T) {
	d := &bot.Deadline{Budget: time.Hour}
	var got string
	acked := false
	bot.Answer(context.Background(), d, func(context.Context) string { return "done" },
		func(r string) { got = r }, func() error { acked = true; return nil },
		func(context.Context, string, error) { t.Error("followed up an answer given in time") })
	d.Wait()
	if got != "done" || acked {
		t.Errorf("inTime got %q, acked %v", got, acked)
	}
}

func TestAnswer_SlowWorkIsAcknowledgedThenFollowedUp(t *testing.T) {
	d := &bot.Deadline{Budget: time.Millisecond}
	release := make(chan struct{})
	followed := make(chan string, 1)
	var order []string
	ctx, cancel := context.WithCancel(context.Background())
	bot.Answer(ctx, d, func(ctx context.Context) string {
		<-release
		// The request is over, the work's context is not.
		return fmt.Sprint(ctx.Err())
	}, func(string) { t.Error("answered in time work that was held") },
		func() error { order = append(order, "ack"); return errors.New("ack lost") },
		func(_ context.Context, r string, ackErr error) { followed <- r + " / " + fmt.Sprint(ackErr) })
	// Answer returned: the acknowledgement went out while the work waits.
	if strings.Join(order, ",") != "ack" {
		t.Fatalf("before the work ended: %v", order)
	}
	cancel()
	close(release)
	if got := <-followed; got != "<nil> / ack lost" {
		t.Errorf("follow-up got %q", got)
	}
	d.Wait()
}

func TestDMChannels_BoundedLeastRecentlyUsedAndForgets(t *testing.T) {
	c := bot.NewDMChannels(2)
	c.Put("a", "Da")
	c.Put("b", "Db")
	if ch, ok := c.Get("a"); !ok || ch != "Da" {
		t.Fatalf("a = %q %v", ch, ok)
	}
	c.Put("c", "Dc") // b is the least recently used
	if _, ok := c.Get("b"); ok {
		t.Error("b was kept past the bound")
	}
	if _, ok := c.Get("a"); !ok {
		t.Error("a, used recently, was dropped")
	}
	c.Forget("a")
	if _, ok := c.Get("a"); ok || c.Len() != 1 {
		t.Errorf("after Forget: len %d", c.Len())
	}
	c.Put("c", "Dc2")
	if ch, _ := c.Get("c"); ch != "Dc2" || c.Len() != 1 {
		t.Errorf("c = %q, len %d", ch, c.Len())
	}
}

func TestRedact_KeepsTheFailureNotTheURL(t *testing.T) {
	secret := "http://127.0.0.1:1/actions/T1/secret-token"
	_, err := http.Post(secret, "application/json", nil)
	if err == nil {
		t.Skip("something listens on port 1")
	}
	got := bot.Redact(fmt.Errorf("respond: %w", err)).Error()
	if strings.Contains(got, "secret-token") || !strings.Contains(got, "refused") {
		t.Errorf("Redact = %q", got)
	}
	plain := errors.New("no url here")
	if bot.Redact(plain) != plain {
		t.Error("an error without a URL was changed")
	}
}
