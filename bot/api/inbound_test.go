package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestInbound_NewMessageIsRoutedAndARepeatChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		body := inboundBody("jane", "facebook-ad", "m-1", "I need a quote")

		r := e.do("POST", "/api/v1/inbound", body)
		if r.status != http.StatusCreated {
			t.Fatalf("first = %d %s", r.status, r.body)
		}
		first := r.json(t)
		id := first["conversation_id"].(float64)
		if id <= 0 || first["assignee"] != "dana" || first["rule"] != "Facebook leads" || first["created"] != true {
			t.Fatalf("first = %s", r.body)
		}

		r = e.do("POST", "/api/v1/inbound", body)
		if r.status != http.StatusOK {
			t.Fatalf("repeat = %d %s", r.status, r.body)
		}
		again := r.json(t)
		if again["conversation_id"] != id || again["assignee"] != "dana" || again["rule"] != nil || again["created"] != false {
			t.Fatalf("repeat = %s", r.body)
		}
		if msgs, _ := s.Messages(bg, int64(id), 10); len(msgs) != 1 {
			t.Fatalf("messages after a repeat: %d", len(msgs))
		}
		if h, _ := s.History(bg, int64(id)); len(h) != 1 || h[0].RuleName != "Facebook leads" || h[0].Via != inboxbot.ViaWorkflow {
			t.Fatalf("history = %+v", h)
		}

		// A new message on the open conversation is added, not re-routed.
		r = e.do("POST", "/api/v1/inbound", inboundBody("jane", "facebook-ad", "m-2", "Still there?"))
		next := r.json(t)
		if r.status != http.StatusCreated || next["conversation_id"] != id || next["assignee"] != "dana" || next["rule"] != nil || next["created"] != true {
			t.Fatalf("second message = %d %s", r.status, r.body)
		}
		// The rotation moved on: the next Facebook lead goes to lee.
		r = e.do("POST", "/api/v1/inbound", inboundBody("omar", "facebook-ad", "m-3", "Hello"))
		if got := r.json(t); r.status != http.StatusCreated || got["assignee"] != "lee" || got["conversation_id"] == id {
			t.Fatalf("next lead = %d %s", r.status, r.body)
		}
		// No rule matches a Google lead: Team inbox.
		r = e.do("POST", "/api/v1/inbound", inboundBody("bob", "google", "m-4", "Hi"))
		if got := r.json(t); r.status != http.StatusCreated || got["assignee"] != nil || got["rule"] != nil {
			t.Fatalf("google lead = %d %s", r.status, r.body)
		}
	})
}

func TestInbound_FormRunsFormRulesAndKeepsFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		r := e.do("POST", "/api/v1/inbound", `{"kind":"form","contact":{"external_id":"crm-7","name":"Ana","email":"ana@example.com",
			"phone":"+1 555 0100","lead_source":"website","tags":["New","solar"],"region":"us-ca","custom":{"plan":"premium"}},
			"channel":"WebChat","subject":"Quote request","message":{"body":"Roof is 40 m2","sent_at":"2026-11-25T10:00:00-05:00"}}`)
		got := r.json(t)
		if r.status != http.StatusCreated || got["assignee"] != "sam" || got["rule"] != "Forms" {
			t.Fatalf("form = %d %s", r.status, r.body)
		}
		c, err := s.Contact(bg, "crm-7")
		if err != nil {
			t.Fatal(err)
		}
		if c.Email != "ana@example.com" || c.Region != "US-CA" || c.Custom["plan"] != "premium" || !c.HasTag("solar") || c.LeadSource != "website" {
			t.Fatalf("contact = %+v", c)
		}
		conv, _ := s.Conversation(bg, int64(got["conversation_id"].(float64)))
		if conv.Channel != "webchat" || conv.Subject != "Quote request" || !conv.LastMessageAt.Equal(mustTime("2026-11-25T15:00:00Z")) {
			t.Fatalf("conversation = %+v", conv)
		}
	})
}

// TestInbound_ConcurrentRetriesStoreOneMessage sends the same message many
// times at once, as a source retrying on a timeout does: one 201, the rest
// 200 with created false, and one message, one conversation, one
// assignment and one round-robin turn.
func TestInbound_ConcurrentRetriesStoreOneMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		body := inboundBody("jane", "facebook-ad", "retry-1", "Hello?")
		const n = 16
		results := make([]response, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				results[i] = e.do("POST", "/api/v1/inbound", body)
			})
		}
		close(start)
		wg.Wait()
		created := 0
		var ids []any
		for _, r := range results {
			switch r.status {
			case http.StatusCreated:
				created++
			case http.StatusOK:
			default:
				t.Fatalf("a retry got %d %s", r.status, r.body)
			}
			got := r.json(t)
			ids = append(ids, got["conversation_id"])
			if got["assignee"] != "dana" {
				t.Fatalf("a retry saw assignee %v", got["assignee"])
			}
		}
		if created != 1 {
			t.Fatalf("%d requests created the message, want 1", created)
		}
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("retries saw conversations %v", ids)
			}
		}
		convs, _ := s.List(bg, inboxbot.Filter{})
		msgs, _ := s.Messages(bg, convs[0].ID, 100)
		hist, _ := s.History(bg, convs[0].ID)
		if len(convs) != 1 || len(msgs) != 1 || len(hist) != 1 {
			t.Fatalf("%d conversations, %d messages, %d assignments; want 1 each", len(convs), len(msgs), len(hist))
		}
		r := e.do("POST", "/api/v1/inbound", inboundBody("omar", "facebook-ad", "retry-2", "Hi"))
		if got := r.json(t); got["assignee"] != "lee" {
			t.Fatalf("the retries took %v turns: next lead went to %v", n, got["assignee"])
		}
	})
}

// TestInbound_ConcurrentMessagesOfANewContactShareOneConversation: several
// different messages of a contact nobody has seen yet arrive at once.
func TestInbound_ConcurrentMessagesOfANewContactShareOneConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		const n = 8
		var wg sync.WaitGroup
		statuses := make([]int, n)
		for i := range n {
			wg.Go(func() {
				statuses[i] = e.do("POST", "/api/v1/inbound", inboundBody("zoe", "facebook-ad", fmt.Sprintf("z-%d", i), "part")).status
			})
		}
		wg.Wait()
		for _, st := range statuses {
			if st != http.StatusCreated {
				t.Fatalf("statuses %v", statuses)
			}
		}
		convs, _ := s.List(bg, inboxbot.Filter{})
		if len(convs) != 1 {
			t.Fatalf("%d conversations", len(convs))
		}
		msgs, _ := s.Messages(bg, convs[0].ID, 100)
		hist, _ := s.History(bg, convs[0].ID)
		if len(msgs) != n || len(hist) != 1 {
			t.Fatalf("%d messages, %d assignments", len(msgs), len(hist))
		}
	})
}

func TestInbound_BadRequestsNameTheFieldAndChangeNothing(t *testing.T) {
	valid := func(replace, with string) string {
		b := `{"kind":"message","contact":{"external_id":"c1","name":"Jane","tags":["vip"],"custom":{"plan":"a"}},"channel":"sms","subject":"s","message":{"external_id":"m1","body":"hi","sent_at":"2026-11-25T16:04:05Z"}}`
		if !strings.Contains(b, replace) {
			panic(replace)
		}
		return strings.Replace(b, replace, with, 1)
	}
	cases := []struct{ name, body, want string }{
		{"empty body", "", "request body is empty; send a JSON object"},
		{"cut short", `{"kind":"message"`, "request body is not valid JSON: it ends too early"},
		{"not JSON", `kind=message`, "request body is not valid JSON at byte 1"},
		{"a list", `[1]`, "request body must be a JSON object"},
		{"two objects", valid("", "") + " {}", "request body must hold one JSON object and nothing after it"},
		{"unknown field", valid(`"channel"`, `"extra":1,"channel"`), `unknown field "extra"`},
		{"unknown nested field", valid(`"name"`, `"nick":"j","name"`), `unknown field "contact.nick"`},
		{"field name in capitals", valid(`"channel"`, `"CHANNEL"`), `unknown field "CHANNEL" (field names are case-sensitive: channel)`},
		{"nested field name in capitals", valid(`"body"`, `"Body"`), `unknown field "message.Body" (field names are case-sensitive: body)`},
		{"repeated field", valid(`"channel":"sms"`, `"channel":"sms","channel":"email"`), `field "channel" appears twice`},
		{"repeated nested field", valid(`"name":"Jane"`, `"name":"Jane","name":"Joe"`), `field "contact.name" appears twice`},
		{"repeated custom key", valid(`"custom":{"plan":"a"}`, `"custom":{"plan":"a","plan":"b"}`), `field "contact.custom.plan" appears twice`},
		{"contact a list", valid(`{"external_id":"c1","name":"Jane","tags":["vip"],"custom":{"plan":"a"}}`, `[]`), "contact must be an object (got array)"},
		{"bad kind", valid(`"kind":"message"`, `"kind":"sms"`), `kind must be "message" or "form" (got "sms")`},
		{"no contact", valid(`"contact":{"external_id":"c1","name":"Jane","tags":["vip"],"custom":{"plan":"a"}},`, ``), "contact is required"},
		{"null contact", valid(`{"external_id":"c1","name":"Jane","tags":["vip"],"custom":{"plan":"a"}}`, `null`), "contact is required"},
		{"no external id", valid(`"external_id":"c1"`, `"external_id":"  "`), "contact.external_id is required"},
		{"external id a number", valid(`"external_id":"c1"`, `"external_id":12`), "contact.external_id must be a string (got number)"},
		{"external id too long", valid(`"external_id":"c1"`, `"external_id":"`+strings.Repeat("x", 201)+`"`), "contact.external_id is longer than 200 bytes"},
		{"tags a string", valid(`"tags":["vip"]`, `"tags":"vip"`), "contact.tags must be an array of strings (got string)"},
		{"empty tag", valid(`"tags":["vip"]`, `"tags":["vip",""]`), "contact.tags[1] is empty"},
		{"custom not strings", valid(`"custom":{"plan":"a"}`, `"custom":{"plan":1}`), "contact.custom.plan must be a string (got number)"},
		{"custom an object", valid(`"custom":{"plan":"a"}`, `"custom":{"a":{"b":"c"}}`), "contact.custom.a must be a string (got object)"},
		{"tag a number", valid(`"tags":["vip"]`, `"tags":["vip",7]`), "contact.tags[1] must be a string (got number)"},
		{"custom empty key", valid(`"custom":{"plan":"a"}`, `"custom":{" ":"a"}`), "contact.custom has an empty field name"},
		{"bad region", valid(`"name":"Jane"`, `"name":"Jane","region":"California"`), `contact.region must be an ISO 3166 code such as US-CA or DE (got "California")`},
		{"bad email", valid(`"name":"Jane"`, `"name":"Jane","email":"jane at home"`), `contact.email is not an e-mail address like jane@example.com (got "jane at home")`},
		{"NUL in name", valid(`"name":"Jane"`, `"name":"Ja\u0000ne"`), "contact.name contains a NUL character"},
		{"no channel", valid(`"channel":"sms",`, ``), "channel is required"},
		{"channel with spaces", valid(`"channel":"sms"`, `"channel":"text message"`), "channel must be one word of letters, digits, - or _"},
		{"no message", valid(`,"message":{"external_id":"m1","body":"hi","sent_at":"2026-11-25T16:04:05Z"}`, ``), "message is required"},
		{"no body", valid(`"body":"hi"`, `"body":" "`), "message.body is required"},
		{"body a number", valid(`"body":"hi"`, `"body":5`), "message.body must be a string (got number)"},
		{"NUL in body", valid(`"body":"hi"`, `"body":"h\u0000i"`), "message.body contains a NUL character"},
		{"sent_at not RFC3339", valid(`"sent_at":"2026-11-25T16:04:05Z"`, `"sent_at":"yesterday"`), `message.sent_at must be RFC3339, like 2026-11-25T16:04:05Z (got "yesterday")`},
		{"sent_at without zone", valid(`"sent_at":"2026-11-25T16:04:05Z"`, `"sent_at":"2026-11-25 16:04:05"`), "message.sent_at must be RFC3339"},
		{"subject too long", valid(`"subject":"s"`, `"subject":"`+strings.Repeat("s", 501)+`"`), "subject is longer than 500 bytes"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/inbound", tc.body)
				if r.status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400: %s", r.status, r.body)
				}
				if msg, _ := r.json(t)["error"].(string); !strings.Contains(msg, tc.want) {
					t.Fatalf("error %q, want it to contain %q", msg, tc.want)
				}
			})
		}
		if convs, _ := s.List(bg, inboxbot.Filter{}); len(convs) != 0 {
			t.Fatalf("rejected requests left %d conversations", len(convs))
		}
		if _, err := s.Contact(bg, "c1"); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
			t.Fatalf("rejected requests left the contact: %v", err)
		}
	})
}

func TestInbound_BodyOverOneMiBIs413(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		big := inboundBody("jane", "facebook-ad", "big", strings.Repeat("a", 1<<20))
		// With a Content-Length, refused before reading.
		if r := e.do("POST", "/api/v1/inbound", big); r.status != http.StatusRequestEntityTooLarge || r.json(t)["error"] != "request body is over 1 MiB" {
			t.Fatalf("sized = %d %s", r.status, r.body)
		}
		// Chunked, without a length: cut off while reading.
		r := e.doAuth("Bearer "+token, "POST", "/api/v1/inbound", struct{ *strings.Reader }{strings.NewReader(big)})
		if r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("chunked = %d %s", r.status, r.body)
		}
		r = e.doAuth("Bearer "+token, "POST", "/api/v1/contacts/jane/tags", struct{ *strings.Reader }{strings.NewReader(`{"add":["` + strings.Repeat("v", 1<<20) + `"]}`)})
		if r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("tags = %d %s", r.status, r.body)
		}
		if convs, _ := s.List(bg, inboxbot.Filter{}); len(convs) != 0 {
			t.Fatalf("a refused body left %d conversations", len(convs))
		}
		// Just under the limit is fine.
		ok := inboundBody("jane", "facebook-ad", "ok", strings.Repeat("a", 1<<20-200))
		if r := e.do("POST", "/api/v1/inbound", ok); r.status != http.StatusCreated {
			t.Fatalf("%d bytes = %d %s", len(ok), r.status, r.body)
		}
	})
}

// TestInbound_RuleWithNobodyEligibleAlertsManagers: the rule matched, so
// the answer names it, but nobody holds the conversation and the managers
// are told why.
func TestInbound_RuleWithNobodyEligibleAlertsManagers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(`
members: [{name: dana, role: manager}, {name: lee}]
rules:
  - name: Lee only
    status: published
    trigger: conversation.created
    assign: {method: user, members: [lee], skip_away: true}
`)
		lee, _ := s.MemberByName(bg, "lee")
		if err := s.SetAway(bg, lee.ID, true); err != nil {
			t.Fatal(err)
		}
		r := e.do("POST", "/api/v1/inbound", inboundBody("jane", "web", "m-1", "hi"))
		got := r.json(t)
		if r.status != http.StatusCreated || got["assignee"] != nil || got["rule"] != "Lee only" {
			t.Fatalf("inbound = %d %s", r.status, r.body)
		}
		ns, err := s.Lease(bg, "test", []inboxbot.Platform{inboxbot.PlatformShell, inboxbot.PlatformSlack, inboxbot.PlatformDiscord}, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 1 || ns[0].To != "dana" || ns[0].Kind != inboxbot.NotifyAlerts || ns[0].Notice.Event != inboxbot.EventUnplaced || !strings.Contains(ns[0].Notice.Reason, "no eligible member: 1 away") {
			t.Fatalf("notifications = %+v", ns)
		}
	})
}

func TestInbound_ReusedMessageIDOfAnotherContactIs409(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		if r := e.do("POST", "/api/v1/inbound", inboundBody("jane", "google", "m-1", "hi")); r.status != http.StatusCreated {
			t.Fatalf("first = %d %s", r.status, r.body)
		}
		r := e.do("POST", "/api/v1/inbound", inboundBody("omar", "google", "m-1", "a different message"))
		if r.status != http.StatusConflict || !strings.Contains(r.json(t)["error"].(string), "message.external_id") {
			t.Fatalf("reuse = %d %s, want 409 naming message.external_id", r.status, r.body)
		}
		if list, _ := s.List(bg, inboxbot.Filter{}); len(list) != 1 {
			t.Fatalf("%d conversations after a refused reuse, want 1", len(list))
		}
	})
}
