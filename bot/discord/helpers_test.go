package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/discord"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

const (
	token   = "test-bot-token"
	appID   = "100000000000000998"
	guildID = "100000000000000900"
	inboxCh = "100000000000000901"
	dana    = "100000000000000001"
	lee     = "100000000000000002"
	sam     = "100000000000000003"
	kim     = "100000000000000004"
)

var ctx = context.Background()

// env is one bot on a store, talking to a fake Discord, with its HTTP
// interactions endpoint served locally.
type env struct {
	t     *testing.T
	st    *store.Store
	svc   *commands.Service
	fake  *discordtest.Server
	bot   *discord.Adapter
	srv   *httptest.Server
	key   ed25519.PrivateKey
	cards *bot.Cards
	out   *bot.Outbox
	now   time.Time
	seq   atomic.Int64
	// reg holds the bot's metrics.
	reg *prometheus.Registry
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	fake := discordtest.New(t, token)
	return newEnvOn(t, st, fake, "replica-1")
}

// newEnvWith is newEnv with the bot's configuration changed by set.
func newEnvWith(t *testing.T, st *store.Store, set func(*discord.Config)) *env {
	t.Helper()
	return newEnvOnWith(t, st, discordtest.New(t, token), "replica-1", set)
}

// newEnvOn builds a bot (a replica named owner) on st and fake.
func newEnvOn(t *testing.T, st *store.Store, fake *discordtest.Server, owner string) *env {
	t.Helper()
	return newEnvOnWith(t, st, fake, owner, func(*discord.Config) {})
}

func newEnvOnWith(t *testing.T, st *store.Store, fake *discordtest.Server, owner string, set func(*discord.Config)) *env {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, fake: fake, key: priv, now: time.Now(), reg: prometheus.NewRegistry()}
	svc := commands.New(st, nil)
	svc.Log = quiet()
	e.svc = svc
	cfg := discord.Config{Token: token, AppID: appID, GuildID: guildID, InboxChannel: inboxCh,
		PublicKey: pub, APIURL: fake.URL, Service: svc, Log: quiet(), Now: func() time.Time { return e.now },
		Registerer: e.reg}
	set(&cfg)
	b, err := discord.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.bot = b
	e.srv = httptest.NewServer(b.Routes()["POST /discord/interactions"])
	t.Cleanup(func() { e.srv.Close(); b.Wait() })
	e.cards = &bot.Cards{Store: st, Platform: inboxbot.PlatformDiscord, Renderer: b, Owner: owner, Log: quiet(),
		Poll: 20 * time.Millisecond}
	e.out = &bot.Outbox{Store: st, Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformDiscord: b},
		Owner: owner, Log: quiet(), Poll: 20 * time.Millisecond}
	return e
}

// inbound plays a customer writing in.
func (e *env) inbound(contact, body string) inboxbot.Conversation {
	e.t.Helper()
	res, err := e.st.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Contact: inboxbot.Contact{ExternalID: contact, Name: contact},
		Channel: "sms", Body: body}, nil)
	if err != nil {
		e.t.Fatalf("inbound: %v", err)
	}
	return res.Conversation
}

// flush renders due cards and delivers due DMs once.
func (e *env) flush() {
	e.t.Helper()
	if _, err := e.cards.Flush(ctx); err != nil {
		e.t.Fatalf("cards: %v", err)
	}
	if _, err := e.out.Flush(ctx); err != nil {
		e.t.Fatalf("outbox: %v", err)
	}
}

// user is the interaction's member object for a Discord user.
func user(id, nick string) map[string]any {
	return map[string]any{"nick": nick, "user": map[string]any{"id": id, "username": "u" + id[len(id)-3:], "global_name": nil}}
}

// interaction builds an interaction of typ by member with data.
func (e *env) interaction(typ int, member map[string]any, data map[string]any, msg map[string]any) map[string]any {
	n := e.seq.Add(1)
	i := map[string]any{"id": strconv.FormatInt(200000000000000000+n, 10), "application_id": appID, "type": typ,
		"token": fmt.Sprintf("tok%d", n), "version": 1, "guild_id": guildID, "channel_id": inboxCh,
		"member": member, "data": data}
	if msg != nil {
		i["message"] = msg
	}
	return i
}

// slash is /inbox <sub> with options, as Discord sends it.
func (e *env) slash(member map[string]any, sub string, opts ...map[string]any) map[string]any {
	if opts == nil {
		opts = []map[string]any{}
	}
	return e.interaction(2, member, map[string]any{"id": "1000", "name": "inbox", "type": 1,
		"options": []any{map[string]any{"name": sub, "type": 1, "options": opts}}}, nil)
}

func intOpt(name string, v int64) map[string]any {
	return map[string]any{"name": name, "type": 4, "value": v}
}

// click presses a button with customID on the message msgID in channel.
func (e *env) click(member map[string]any, customID, channel, msgID string) map[string]any {
	return e.interaction(3, member, map[string]any{"custom_id": customID, "component_type": 2},
		map[string]any{"id": msgID, "channel_id": channel})
}

// pick chooses target in the user select customID.
func (e *env) pick(member map[string]any, customID, channel, msgID, target, nick string) map[string]any {
	return e.interaction(3, member, map[string]any{"custom_id": customID, "component_type": 5, "values": []string{target},
		"resolved": map[string]any{"users": map[string]any{target: map[string]any{"id": target, "username": "u" + target[len(target)-3:]}},
			"members": map[string]any{target: map[string]any{"nick": nick}}}},
		map[string]any{"id": msgID, "channel_id": channel})
}

// submit sends the Reply form of conversation id with text, as Discord
// does when the form was opened from the card msgID.
func (e *env) submit(member map[string]any, id int64, text, msgID string) map[string]any {
	return e.interaction(5, member, map[string]any{"custom_id": fmt.Sprintf("inbox:reply:%d", id),
		"components": []any{map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": "text", "value": text}}}}},
		map[string]any{"id": msgID, "channel_id": inboxCh})
}

// post signs and sends an interaction at time at, and returns the status
// and the decoded response.
func (e *env) post(i map[string]any, at time.Time, sign bool) (int, map[string]any) {
	e.t.Helper()
	body, _ := json.Marshal(i)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL, bytes.NewReader(body))
	ts := strconv.FormatInt(at.Unix(), 10)
	sig := ed25519.Sign(e.key, append([]byte(ts), body...))
	if !sign {
		sig[0] ^= 1
	}
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// do posts a correctly signed interaction now and wants 200.
func (e *env) do(i map[string]any) map[string]any {
	e.t.Helper()
	status, out := e.post(i, e.now, true)
	if status != http.StatusOK {
		e.t.Fatalf("interaction answered %d", status)
	}
	return out
}

// content is a response's data.content and whether it is ephemeral.
func content(resp map[string]any) (string, bool) {
	d, _ := resp["data"].(map[string]any)
	c, _ := d["content"].(string)
	f, _ := d["flags"].(float64)
	return c, int(f)&64 != 0
}

// dms returns the contents of the DMs the fake received for user.
func dms(fake *discordtest.Server, user string) []string {
	var out []string
	for _, m := range fake.Messages(discordtest.DMChannel(user)) {
		var b struct{ Content string }
		json.Unmarshal(m.Body, &b)
		out = append(out, b.Content)
	}
	return out
}

// cardOf returns the message in the inbox channel showing conversation id.
func cardOf(t *testing.T, fake *discordtest.Server, id int64) discordtest.Message {
	t.Helper()
	for _, m := range fake.Messages(inboxCh) {
		if strings.Contains(string(m.Body), fmt.Sprintf(`"inbox:show:%d"`, id)) {
			return m
		}
	}
	t.Fatalf("no card of #%d in the inbox channel", id)
	return discordtest.Message{}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// counter is the value of the bot's counter name with label=value.
func (e *env) counter(name, label, value string) float64 {
	e.t.Helper()
	families, err := e.reg.Gather()
	if err != nil {
		e.t.Fatal(err)
	}
	sum := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					sum += m.GetCounter().GetValue()
				}
			}
		}
	}
	return sum
}

// runGateway connects the bot to the fake's gateway until the test ends.
func (e *env) runGateway() {
	e.t.Helper()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.bot.Run(runCtx) }()
	e.t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			e.t.Errorf("gateway run: %v", err)
		}
	})
	select {
	case <-e.fake.Ready():
	case <-time.After(10 * time.Second):
		e.t.Fatal("the bot did not identify")
	}
}
