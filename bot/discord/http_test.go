package discord_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestHTTPInteractions_ClaimAssignReassignEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		// kim is an admin, so she may take a conversation from someone.
		if _, err := st.UpsertMember(ctx, inboxbot.Member{Name: "kim", Role: inboxbot.RoleAdmin, DiscordID: kim}); err != nil {
			t.Fatal(err)
		}
		conv := e.inbound("jane", "Hi, I need a quote for 20 chairs")
		e.flush()
		card := cardOf(t, e.fake, conv.ID)

		// A ping is answered with a pong.
		if out := e.do(map[string]any{"id": "1", "type": 1, "application_id": appID, "token": "t", "version": 1}); out["type"] != 1.0 {
			t.Fatalf("ping answered %v", out)
		}

		// /inbox list team shows it; /inbox show shows the message.
		out := e.do(e.slash(user(dana, "Dana"), "list", map[string]any{"name": "scope", "type": 3, "value": "team"}))
		if got := mustJSON(out); out["type"] != 4.0 || !strings.Contains(got, "#1") || !strings.Contains(got, "jane") {
			t.Fatalf("list answered %s", got)
		}
		out = e.do(e.slash(user(dana, "Dana"), "show", intOpt("id", conv.ID)))
		if got := mustJSON(out); !strings.Contains(got, "20 chairs") {
			t.Fatalf("show answered %s", got)
		}

		// Claim from the card: the card is updated in place, dana gets no DM.
		out = e.do(e.click(user(dana, "Dana"), "inbox:claim:1", inboxCh, card.ID))
		if out["type"] != 7.0 || !strings.Contains(mustJSON(out), "dana") {
			t.Fatalf("claim click answered %s", mustJSON(out))
		}
		e.flush()
		if got := cardOf(t, e.fake, conv.ID); got.Edits == 0 || !strings.Contains(string(got.Body), "dana") {
			t.Fatalf("card not edited after the claim: %d edits, %s", got.Edits, got.Body)
		}
		if got := dms(e.fake, dana); len(got) != 0 {
			t.Fatalf("the claimer got DMs: %q", got)
		}

		// lee lost the race: told who has it, only him.
		out = e.do(e.click(user(lee, "Lee"), "inbox:claim:1", inboxCh, card.ID))
		text, eph := content(out)
		if out["type"] != 4.0 || !eph || !strings.Contains(text, "dana") {
			t.Fatalf("lost claim answered %s", mustJSON(out))
		}

		// dana assigns it to sam, who is new: sam becomes a member and gets a DM.
		e.do(e.pick(user(dana, "Dana"), "inbox:assign:1", inboxCh, card.ID, sam, "Sam"))
		e.flush()
		if got := dms(e.fake, sam); len(got) != 1 || !strings.Contains(got[0], "dana assigned you #1") {
			t.Fatalf("sam's DMs: %q", got)
		}
		if m, err := st.MemberByPlatform(ctx, inboxbot.PlatformDiscord, sam); err != nil || m.Name != "sam" {
			t.Fatalf("sam as a member: %+v, %v", m, err)
		}

		// kim reassigns it to lee with /inbox assign: sam and lee hear of it, kim does not.
		out = e.do(e.slash(user(kim, "Kim"), "assign", intOpt("id", conv.ID),
			map[string]any{"name": "member", "type": 6, "value": lee}))
		if text, eph := content(out); eph || !strings.Contains(text, "reassigned") {
			t.Fatalf("reassign answered %s", mustJSON(out))
		}
		e.flush()
		if got := dms(e.fake, sam); len(got) != 2 || !strings.Contains(got[1], "reassigned #1") {
			t.Fatalf("sam's DMs: %q", got)
		}
		if got := dms(e.fake, lee); len(got) != 1 || !strings.Contains(got[0], "kim assigned you #1") {
			t.Fatalf("lee's DMs: %q", got)
		}
		if got := dms(e.fake, kim); len(got) != 0 {
			t.Fatalf("kim got DMs: %q", got)
		}
		if v := e.fake.Violations(); len(v) != 0 {
			t.Fatalf("Discord would refuse: %q", v)
		}
	})
}

func TestHTTPInteractions_BadOrStaleSignatureIs401AndChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		conv := e.inbound("jane", "hello")
		claim := e.slash(user(dana, "Dana"), "claim", intOpt("id", conv.ID))
		for _, tc := range []struct {
			name string
			at   time.Time
			sign bool
		}{
			{"bad signature", e.now, false},
			{"signed 6 minutes ago", e.now.Add(-6 * time.Minute), true},
			{"signed 6 minutes ahead", e.now.Add(6 * time.Minute), true},
		} {
			if status, _ := e.post(claim, tc.at, tc.sign); status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", tc.name, status)
			}
		}
		if got, _ := st.Conversation(ctx, conv.ID); got.Assigned() {
			t.Fatalf("a refused request changed the conversation: %+v", got)
		}
		if _, err := st.MemberByPlatform(ctx, inboxbot.PlatformDiscord, dana); err == nil {
			t.Fatal("a refused request made a member")
		}
	})
}

func TestHTTPInteractions_BodyOver1MiBIs413(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	big := e.slash(user(dana, "Dana"), "help", map[string]any{"name": "topic", "type": 3, "value": strings.Repeat("x", 1<<20)})
	if status, _ := e.post(big, e.now, true); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", status)
	}
}
