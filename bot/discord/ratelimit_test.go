package discord_test

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// The fake's 429 says one wait three ways, as Discord's does: the body's
// retry_after, X-RateLimit-Reset-After, and Retry-After rounded up to
// whole seconds. The bot waits what the body says.
func TestFake_RateLimitHeadersAgreeAndTheBotWaitsRetryAfter(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	e.fake.RateLimitNext(1)
	req, _ := http.NewRequest(http.MethodGet, e.fake.URL+"/api/v10/users/@me", nil)
	req.Header.Set("Authorization", "Bot "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		RetryAfter float64 `json:"retry_after"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	reset, _ := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset-After"), 64)
	if resp.StatusCode != 429 || body.RetryAfter != discordtest.RateLimitWait.Seconds() ||
		reset != body.RetryAfter || float64(retry) != math.Ceil(body.RetryAfter) {
		t.Fatalf("429: status %d, retry_after %v, Reset-After %v, Retry-After %d", resp.StatusCode, body.RetryAfter, reset, retry)
	}

	e.fake.RateLimitNext(1)
	err = e.bot.Send(ctx, inboxbot.Notification{To: dana, Notice: inboxbot.Notice{Event: inboxbot.EventWaiting, ConversationID: 1}})
	var rl *bot.RateLimited
	if !errors.As(err, &rl) || rl.After != discordtest.RateLimitWait {
		t.Fatalf("Send during a rate limit: %v, want a wait of %v", err, discordtest.RateLimitWait)
	}
}
