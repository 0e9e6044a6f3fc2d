package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
)

// fastRetry keeps tests of platforms out of reach quick.
var fastRetry = backoff{first: 10 * time.Millisecond, max: 100 * time.Millisecond, startLimit: 5 * time.Second}

// serveUntilItEnds runs serve and returns its error, failing the test if
// it has not ended within 30 seconds.
func serveUntilItEnds(t *testing.T, env map[string]string) (error, string) {
	t.Helper()
	t.Chdir(t.TempDir())
	cfg := mustLoad(t, with(with(env, "INBOXBOT_HTTP_ADDR", "127.0.0.1:0"), "INBOXBOT_SHUTDOWN_DRAIN", "0"))
	cfg.retry = fastRetry
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{ReplaceAttr: hideSecrets}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := serve(ctx, func() {}, cfg, log)
	if ctx.Err() != nil {
		t.Fatalf("serve did not end on its own:\n%s", logs)
	}
	return err, logs.String()
}

func TestServe_ARefusedTokenStopsTheStartNamingTheVariable(t *testing.T) {
	slackFake := slacktest.New(t)
	discordFake := discordtest.New(t, "DISCORDSECRET")
	slackHTTP := map[string]string{"DATABASE_URL": "sqlite::memory:", "SLACK_BOT_TOKEN": slacktest.BotToken,
		"SLACK_SIGNING_SECRET": "SIGNSECRET", "SLACK_INBOX_CHANNEL": "C0INBOX", "SLACK_API_URL": slackFake.APIURL()}
	socket := with(with(slackHTTP, "SLACK_SIGNING_SECRET", ""), "SLACK_APP_TOKEN", slacktest.AppToken)
	discordOn := map[string]string{"DATABASE_URL": "sqlite::memory:", "DISCORD_BOT_TOKEN": "DISCORDSECRET",
		"DISCORD_APP_ID": "100000000000000998", "DISCORD_INBOX_CHANNEL": "100000000000000901", "DISCORD_API_URL": discordFake.URL}
	for _, c := range []struct {
		name, variable string
		env            map[string]string
	}{
		{"slack bot token", "SLACK_BOT_TOKEN", with(slackHTTP, "SLACK_BOT_TOKEN", "xoxb-revoked")},
		{"slack app token", "SLACK_APP_TOKEN", with(socket, "SLACK_APP_TOKEN", "xapp-revoked")},
		{"discord bot token", "DISCORD_BOT_TOKEN", with(discordOn, "DISCORD_BOT_TOKEN", "REVOKED")},
	} {
		t.Run(c.name, func(t *testing.T) {
			err, logs := serveUntilItEnds(t, c.env)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), c.variable) {
				t.Fatalf("serve ended with %v (exit %d), want exit 2 naming %s\n%s", err, exitCode(err), c.variable, logs)
			}
			if strings.Contains(err.Error(), "revoked") || strings.Contains(logs, "revoked") || strings.Contains(logs, "REVOKED") {
				t.Errorf("the refused token is shown: %v\n%s", err, logs)
			}
		})
	}
}

func TestServe_SlackIdentityAndConnectedOnceTheTokensAreAccepted(t *testing.T) {
	fake := slacktest.New(t)
	cfg := mustLoad(t, map[string]string{"DATABASE_URL": "sqlite::memory:", "INBOXBOT_HTTP_ADDR": "127.0.0.1:0",
		"INBOXBOT_SHUTDOWN_DRAIN": "0", "SLACK_BOT_TOKEN": slacktest.BotToken, "SLACK_APP_TOKEN": slacktest.AppToken,
		"SLACK_INBOX_CHANNEL": "C0INBOX", "SLACK_API_URL": fake.APIURL()})
	cfg.retry = fastRetry
	t.Chdir(t.TempDir())
	base, logs, stop := startServeConfig(t, cfg)
	defer stop()
	logOnFailure(t, logs)
	waitFor(t, "slack connected", func() bool {
		return strings.Contains(get(t, base+"/metrics"), `inboxbot_platform_connected{platform="slack"} 1`)
	})
	if n := len(fake.Calls("bots.info")); n != 1 {
		t.Errorf("bots.info called %d times, want once (the app id)", n)
	}
	if ready := readyz(t, base); ready.Platforms["slack"] != "connected" {
		t.Errorf("/readyz says %+v", ready)
	}
}

func TestServe_DiscordOutOfReachStopsNothingAndComesBackByItself(t *testing.T) {
	fake := discordtest.New(t, "DISCORDSECRET")
	fake.SetReachable(false)
	cfg := mustLoad(t, map[string]string{"DATABASE_URL": "sqlite::memory:", "INBOXBOT_HTTP_ADDR": "127.0.0.1:0",
		"INBOXBOT_SHUTDOWN_DRAIN": "0", "INBOXBOT_API_TOKEN": apiToken,
		"DISCORD_BOT_TOKEN": "DISCORDSECRET", "DISCORD_APP_ID": "100000000000000998", "DISCORD_INBOX_CHANNEL": "100000000000000901",
		"DISCORD_API_URL": fake.URL})
	cfg.retry = fastRetry
	t.Chdir(t.TempDir())
	base, logs, stop := startServeConfig(t, cfg)
	defer stop()
	logOnFailure(t, logs)

	if got := get(t, base+"/healthz"); !strings.Contains(got, "ok") {
		t.Fatalf("/healthz: %s", got)
	}
	if ready := readyz(t, base); ready.Status != "ready" || ready.Platforms["discord"] != "down" {
		t.Fatalf("/readyz with Discord out of reach: %+v", ready)
	}
	if m := get(t, base+"/metrics"); !strings.Contains(m, `inboxbot_platform_connected{platform="discord"} 0`) {
		t.Fatalf("metrics lack discord 0:\n%s", m)
	}
	body := `{"kind":"message","contact":{"external_id":"c1","name":"Jane"},"channel":"sms","message":{"external_id":"m1","body":"hello while Discord is down"}}`
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/inbound", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+apiToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("inbound API with Discord out of reach: %d", resp.StatusCode)
	}
	if n := len(fake.Messages("100000000000000901")); n != 0 {
		t.Fatalf("%d cards posted while Discord was out of reach", n)
	}

	fake.SetReachable(true)
	waitFor(t, "/inbox registered", func() bool { return len(fake.Calls(`PUT /applications/\d+/commands`)) == 1 })
	waitFor(t, "the waiting card", func() bool { return len(fake.Messages("100000000000000901")) == 1 })
	<-fake.Ready()
	waitFor(t, "discord connected", func() bool {
		return strings.Contains(get(t, base+"/metrics"), `inboxbot_platform_connected{platform="discord"} 1`)
	})
	if ready := readyz(t, base); ready.Platforms["discord"] != "connected" {
		t.Fatalf("/readyz once Discord is back: %+v", ready)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Messages("100000000000000901")); n != 1 {
		t.Errorf("%d cards for one conversation", n)
	}
	if !strings.Contains(logs.String(), "Discord cannot be reached; starting without it") {
		t.Errorf("the log does not say Discord was out of reach:\n%s", logs)
	}
}

type readiness struct {
	Status    string
	Platforms map[string]string
}

func readyz(t *testing.T, base string) readiness {
	t.Helper()
	var r readiness
	if err := json.Unmarshal([]byte(get(t, base+"/readyz")), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// logOnFailure shows serve's log when the test fails.
func logOnFailure(t *testing.T, logs *syncBuffer) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve's log:\n%s", logs)
		}
	})
}

func TestServe_ATokenRefusedAfterTheStartIsLoggedOnceAndStopsNothing(t *testing.T) {
	fake := slacktest.New(t)
	fake.SetReachable(false)
	cfg := mustLoad(t, map[string]string{"DATABASE_URL": "sqlite::memory:", "INBOXBOT_HTTP_ADDR": "127.0.0.1:0",
		"INBOXBOT_SHUTDOWN_DRAIN": "0", "SLACK_BOT_TOKEN": slacktest.BotToken, "SLACK_SIGNING_SECRET": "SIGNSECRET",
		"SLACK_INBOX_CHANNEL": "C0INBOX", "SLACK_API_URL": fake.APIURL()})
	cfg.retry = fastRetry
	t.Chdir(t.TempDir())
	base, logs, stop := startServeConfig(t, cfg)
	defer stop()
	logOnFailure(t, logs)
	fake.Revoke(slacktest.BotToken)
	fake.SetReachable(true)
	waitFor(t, "the refusal in the log", func() bool { return strings.Contains(logs.String(), "Slack refused SLACK_BOT_TOKEN") })
	calls := len(fake.Calls("auth.test"))
	if ready := readyz(t, base); ready.Status != "ready" || ready.Platforms["slack"] != "down" {
		t.Fatalf("/readyz after the refusal: %+v", ready)
	}
	if m := get(t, base+"/metrics"); !strings.Contains(m, `inboxbot_platform_connected{platform="slack"} 0`) {
		t.Fatalf("metrics lack slack 0")
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if n := strings.Count(logs.String(), "Slack refused SLACK_BOT_TOKEN"); n != 1 {
		t.Errorf("the refusal was logged %d times, want once", n)
	}
	if n := len(fake.Calls("auth.test")); n != calls {
		t.Errorf("auth.test was tried again after the refusal (%d calls, then %d)", calls, n)
	}
}
