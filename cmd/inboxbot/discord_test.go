package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
)

func TestServe_DiscordHTTPInteractions(t *testing.T) {
	t.Chdir(t.TempDir())
	fake := discordtest.New(t, "DISCORDSECRET")
	pub, priv, _ := ed25519.GenerateKey(nil)
	base, logs, stop := startServe(t, map[string]string{"DATABASE_URL": "sqlite::memory:",
		"DISCORD_BOT_TOKEN": "DISCORDSECRET", "DISCORD_APP_ID": "100000000000000998", "DISCORD_INBOX_CHANNEL": "100000000000000901",
		"DISCORD_GUILD_ID": "100000000000000900", "DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_API_URL": fake.URL})
	defer stop()
	if got := fake.Calls(`PUT /applications/100000000000000998/guilds/100000000000000900/commands`); len(got) != 1 {
		t.Fatalf("/inbox registered %d times in the guild, want once", len(got))
	}
	body := []byte(`{"id":"1","application_id":"100000000000000998","type":1,"token":"t","version":1}`)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, base+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...))))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var pong struct{ Type int }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(out, &pong) != nil || pong.Type != 1 {
		t.Fatalf("PING answered %d %s", resp.StatusCode, out)
	}
	metrics := get(t, base+"/metrics")
	for _, want := range []string{`inboxbot_discord_interactions_total{mode="http",type="ping"} 1`,
		`inboxbot_discord_rest_requests_total{route="PUT /applications/:id/guilds/:id/commands",status="200"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "chat platforms on: discord") {
		t.Errorf("log does not say discord is on:\n%s", logs)
	}
	if strings.Contains(logs.String(), "DISCORDSECRET") {
		t.Error("log contains the bot token")
	}
}

func TestServe_DiscordGatewayIdentifiesWithItsShard(t *testing.T) {
	t.Chdir(t.TempDir())
	fake := discordtest.New(t, "DISCORDSECRET")
	_, _, stop := startServe(t, map[string]string{"DATABASE_URL": "sqlite::memory:",
		"DISCORD_BOT_TOKEN": "DISCORDSECRET", "DISCORD_APP_ID": "100000000000000998", "DISCORD_INBOX_CHANNEL": "100000000000000901",
		"DISCORD_API_URL": fake.URL, "DISCORD_SHARD_ID": "1", "DISCORD_SHARD_COUNT": "2"})
	defer stop()
	select {
	case <-fake.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the bot did not identify on the gateway")
	}
	if got := fake.Calls(`PUT /applications/100000000000000998/commands`); len(got) != 1 {
		t.Fatalf("/inbox registered globally %d times, want once", len(got))
	}
	id := fake.Identified()
	if len(id) != 1 || !strings.Contains(string(id[0]), `"shard":[1,2]`) {
		t.Fatalf("IDENTIFY payloads: %s", id)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestServe_DiscordSupportChannelKeepsOnePanelAcrossRestarts(t *testing.T) {
	t.Chdir(t.TempDir())
	fake := discordtest.New(t, "DISCORDSECRET")
	env := map[string]string{"DATABASE_URL": "sqlite:" + t.TempDir() + "/inboxbot.db",
		"DISCORD_BOT_TOKEN": "DISCORDSECRET", "DISCORD_APP_ID": "100000000000000998", "DISCORD_INBOX_CHANNEL": "100000000000000901",
		"DISCORD_API_URL": fake.URL, "INBOXBOT_DISCORD_SUPPORT_CHANNEL": "100000000000000905",
		"DISCORD_AGENT_ROLE": "100000000000000906"}
	for run := range 2 {
		_, logs, stop := startServe(t, env)
		select {
		case <-fake.Ready():
		case <-time.After(10 * time.Second):
			t.Fatal("the bot did not identify on the gateway")
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if n := len(fake.Messages("100000000000000905")); n != 1 {
			t.Fatalf("start %d: %d messages in the support channel, want the one panel", run+1, n)
		}
		if !strings.Contains(logs.String(), "permissions=360777337920") {
			t.Errorf("start %d: the invite link does not ask for the thread permissions:\n%s", run+1, logs)
		}
		fake.ForgetNonces() // the restart comes after Discord's nonce window
	}
	var id struct {
		Intents int `json:"intents"`
	}
	json.Unmarshal(fake.Identified()[0], &id)
	if id.Intents&(1<<12) == 0 {
		t.Errorf("identified with intents %b, without Direct Messages", id.Intents)
	}
}
