package api_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/api"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestAuth_MissingOrWrongTokenIs401AndChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		body := inboundBody("jane", "facebook-ad", "m-1", "hi")
		for _, auth := range []string{"", "Bearer", "Bearer ", "Basic " + token, "Bearer wrong", "Bearer " + token + "x", "Bearer " + token[:len(token)-1], token} {
			for _, route := range []struct{ method, path string }{
				{"POST", "/api/v1/inbound"}, {"POST", "/api/v1/contacts/jane/tags"}, {"GET", "/api/v1/conversations"}, {"GET", "/api/v1/nope"},
			} {
				r := e.doAuth(auth, route.method, route.path, strings.NewReader(body))
				if r.status != http.StatusUnauthorized || !strings.Contains(r.json(t)["error"].(string), "bearer token") {
					t.Fatalf("%q %s %s = %d %s", auth, route.method, route.path, r.status, r.body)
				}
				if r.header.Get("WWW-Authenticate") == "" {
					t.Fatalf("401 without WWW-Authenticate")
				}
			}
		}
		if convs, _ := s.List(bg, inboxbot.Filter{}); len(convs) != 0 {
			t.Fatalf("unauthorised requests left %d conversations", len(convs))
		}
		// The scheme is case-insensitive, as RFC 9110 says.
		if r := e.doAuth("bearer "+token, "POST", "/api/v1/inbound", strings.NewReader(body)); r.status != http.StatusCreated {
			t.Fatalf("lower-case scheme = %d %s", r.status, r.body)
		}
		// The token never shows up in the logs.
		if strings.Contains(e.log.String(), token) {
			t.Fatalf("the log shows the token:\n%s", e.log)
		}
	})
}

// TestAuth_NoTokenIs401BeforeTheBodyIsRead: an unauthenticated client
// learns nothing about the body limit, and its body is not read.
func TestAuth_NoTokenIs401BeforeTheBodyIsRead(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	big := strings.Repeat("a", 5<<20)
	for _, body := range []io.Reader{strings.NewReader(big), struct{ io.Reader }{strings.NewReader(big)}} {
		r := e.doAuth("", "POST", "/api/v1/inbound", body)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("5 MiB without a token = %d %s", r.status, r.body)
		}
	}
	for _, p := range []string{"/api/v1/contacts//tags", "/api/v1//inbound", "/api/v1/../x"} {
		if r := e.doAuth("", "POST", p, strings.NewReader("{}")); r.status != http.StatusUnauthorized {
			t.Fatalf("%s without a token = %d %s", p, r.status, r.body)
		}
	}
}

func TestAuth_EmptyTokenRefusesEverything(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	h := api.New(commands.New(s, routing.Route), "", nil)
	e := &env{t: t, s: s, h: h, log: &logBuffer{}}
	for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer  "} {
		if r := e.doAuth(auth, "GET", "/api/v1/conversations", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("%q = %d", auth, r.status)
		}
	}
}

func TestRoutes_UnknownPathIs404AndWrongMethodIs405(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	if r := e.do("GET", "/api/v1/messages", ""); r.status != http.StatusNotFound || !strings.Contains(r.json(t)["error"].(string), "no such endpoint") {
		t.Fatalf("unknown path = %d %s", r.status, r.body)
	}
	for _, tc := range []struct{ method, path, allow string }{
		{"GET", "/api/v1/inbound", "POST"},
		{"PUT", "/api/v1/contacts/jane/tags", "POST"},
		{"DELETE", "/api/v1/conversations", "GET"},
	} {
		r := e.do(tc.method, tc.path, "")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != tc.allow || r.json(t)["error"] == nil {
			t.Fatalf("%s %s = %d %v %s", tc.method, tc.path, r.status, r.header, r.body)
		}
	}
}

func TestTags_AddingATagRunsTaggedRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		jane := e.do("POST", "/api/v1/inbound", inboundBody("jane", "facebook-ad", "m-1", "hi")).json(t)
		bob := e.do("POST", "/api/v1/inbound", inboundBody("bob", "google", "m-2", "hi")).json(t)

		r := e.do("POST", "/api/v1/contacts/bob/tags", `{"add":["VIP","new"]}`)
		if r.status != http.StatusOK {
			t.Fatalf("tag bob = %d %s", r.status, r.body)
		}
		got := r.json(t)
		contact := got["contact"].(map[string]any)
		routed := got["routed"].([]any)
		if contact["external_id"] != "bob" || len(contact["tags"].([]any)) != 2 || len(routed) != 1 {
			t.Fatalf("tag bob = %s", r.body)
		}
		if rr := routed[0].(map[string]any); rr["conversation_id"] != bob["conversation_id"] || rr["assignee"] != "sam" || rr["rule"] != "VIP tag" {
			t.Fatalf("routed = %s", r.body)
		}
		// Jane's conversation is held by dana: a rule never takes it away.
		r = e.do("POST", "/api/v1/contacts/jane/tags", `{"add":["vip"]}`)
		if r.status != http.StatusOK || len(r.json(t)["routed"].([]any)) != 0 {
			t.Fatalf("tag jane = %d %s", r.status, r.body)
		}
		conv, _ := s.Conversation(bg, int64(jane["conversation_id"].(float64)))
		if conv.AssigneeName != "dana" {
			t.Fatalf("jane's conversation moved to %q", conv.AssigneeName)
		}
		// Removing only changes tags.
		r = e.do("POST", "/api/v1/contacts/bob/tags", `{"remove":["new"]}`)
		if got := r.json(t); r.status != http.StatusOK || len(got["contact"].(map[string]any)["tags"].([]any)) != 1 || len(got["routed"].([]any)) != 0 {
			t.Fatalf("untag = %d %s", r.status, r.body)
		}
	})
}

func TestTags_Errors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		e.do("POST", "/api/v1/inbound", inboundBody("jane", "google", "m-1", "hi"))
		for _, tc := range []struct {
			path, body string
			status     int
			want       string
		}{
			{"/api/v1/contacts/nobody/tags", `{"add":["vip"]}`, 404, `No contact has the id "nobody".`},
			{"/api/v1/contacts/jane/tags", `{}`, 400, "add or remove must name at least one tag"},
			{"/api/v1/contacts/jane/tags", `{"add":[],"remove":[]}`, 400, "add or remove must name at least one tag"},
			{"/api/v1/contacts/jane/tags", `{"add":["vip"," "]}`, 400, "add[1] is empty"},
			{"/api/v1/contacts/jane/tags", `{"remove":[""]}`, 400, "remove[0] is empty"},
			{"/api/v1/contacts/jane/tags", `{"add":"vip"}`, 400, "add must be an array of strings (got string)"},
			{"/api/v1/contacts/jane/tags", `{"add":["` + strings.Repeat("t", 65) + `"]}`, 400, "add[0] is longer than 64 bytes"},
			{"/api/v1/contacts/jane/tags", `{"tags":["vip"]}`, 400, `unknown field "tags"`},
			{"/api/v1/contacts/jane/tags", ``, 400, "request body is empty"},
		} {
			r := e.do("POST", tc.path, tc.body)
			if r.status != tc.status || !strings.Contains(r.json(t)["error"].(string), tc.want) {
				t.Errorf("%s %s = %d %s; want %d %q", tc.path, tc.body, r.status, r.body, tc.status, tc.want)
			}
		}
		if c, _ := s.Contact(bg, "jane"); len(c.Tags) != 0 {
			t.Fatalf("refused requests tagged jane: %v", c.Tags)
		}
	})
}

// TestRoutes_UncleanPathsAreNotRedirected: ServeMux would answer 307 to
// the cleaned path, which is another endpoint.
func TestRoutes_UncleanPathsAreNotRedirected(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite")).withTeam(team)
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/api/v1/contacts//tags", 400, "contact external_id is missing from the path"},
		{"/api/v1/contacts///tags", 400, "contact external_id is missing from the path"},
		{"/api/v1/contacts/%20/tags", 400, "contact external_id is missing from the path"},
		{"/api/v1//inbound", 404, "no such endpoint"},
		{"/api/v1/contacts/a/../b/tags", 404, "no such endpoint"},
	} {
		r := e.do("POST", tc.path, `{"add":["vip"]}`)
		if r.status != tc.status || !strings.Contains(r.json(t)["error"].(string), tc.want) {
			t.Errorf("%s = %d %s; want %d %q", tc.path, r.status, r.body, tc.status, tc.want)
		}
	}
}

func TestConversations_ListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		jane := e.do("POST", "/api/v1/inbound", inboundBody("jane", "facebook-ad", "m-1", "Need a quote")).json(t)
		e.do("POST", "/api/v1/inbound", inboundBody("omar", "facebook-ad", "m-2", "Hello"))
		bob := e.do("POST", "/api/v1/inbound", inboundBody("bob", "google", "m-3", "Hi there")).json(t)
		lee, _ := s.MemberByName(bg, "lee")
		if _, err := s.Follow(bg, int64(jane["conversation_id"].(float64)), lee.ID); err != nil {
			t.Fatal(err)
		}

		ids := func(query string) []any {
			t.Helper()
			r := e.do("GET", "/api/v1/conversations"+query, "")
			if r.status != http.StatusOK {
				t.Fatalf("%s = %d %s", query, r.status, r.body)
			}
			var out []any
			for _, c := range r.list(t) {
				out = append(out, c["id"])
			}
			return out
		}
		if got := ids(""); len(got) != 3 {
			t.Fatalf("all = %v", got)
		}
		if got := ids("?assignee=none&status=open"); len(got) != 1 || got[0] != bob["conversation_id"] {
			t.Fatalf("team inbox = %v", got)
		}
		if got := ids("?assignee=Dana"); len(got) != 1 || got[0] != jane["conversation_id"] {
			t.Fatalf("dana's = %v", got)
		}
		if got := ids("?follower=lee"); len(got) != 1 || got[0] != jane["conversation_id"] {
			t.Fatalf("followed by lee = %v", got)
		}
		if got := ids("?status=closed"); len(got) != 0 {
			t.Fatalf("closed = %v", got)
		}
		if got := ids("?limit=2"); len(got) != 2 {
			t.Fatalf("limit 2 = %v", got)
		}

		r := e.do("GET", "/api/v1/conversations?assignee=dana", "")
		if r.body[0] != '[' {
			t.Fatalf("not a JSON list: %s", r.body)
		}
		c := r.list(t)[0]
		contact := c["contact"].(map[string]any)
		followers := c["followers"].([]any)
		if contact["external_id"] != "jane" || contact["name"] != "Jane" || c["channel"] != "sms" || c["status"] != "open" ||
			c["assignee"] != "dana" || len(followers) != 1 || followers[0] != "lee" || c["preview"] != "Need a quote" ||
			c["last_message_at"] != "2026-11-25T16:04:05Z" {
			t.Fatalf("conversation = %s", r.body)
		}
		if r := e.do("GET", "/api/v1/conversations?assignee=none", ""); r.list(t)[0]["assignee"] != nil || len(r.list(t)[0]["followers"].([]any)) != 0 {
			t.Fatalf("unassigned = %s", r.body)
		}
		if r := e.do("GET", "/api/v1/conversations?assignee=sam", ""); r.body != "[]\n" {
			t.Fatalf("empty list = %q", r.body)
		}
	})
}

func TestConversations_BadQueriesAre400(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite")).withTeam(team)
	for _, tc := range []struct{ query, want string }{
		{"?assignee=me", "assignee=me needs a member, and an API token is not one: use assignee=<member name>"},
		{"?assignee=ghost", `assignee: no member is named "ghost"`},
		{"?follower=ghost", `follower: no member is named "ghost"`},
		{"?status=pending", `status must be open or closed (got "pending")`},
		{"?limit=0", `limit must be a number from 1 to 500 (got "0")`},
		{"?limit=many", `limit must be a number from 1 to 500 (got "many")`},
		{"?tag=vip", `unknown parameter "tag" (want assignee, follower, status, sla, limit)`},
		{"?status=open&status=closed", "status is given 2 times; give it once"},
		{"?follower=", "follower= is empty: name a member (or leave follower out to list everyone's)"},
		{"?assignee=%20", "assignee= is empty: name a member (or leave assignee out to list everyone's)"},
		{"?assignee=&status=open", "assignee= is empty: name a member (or leave assignee out to list everyone's)"},
	} {
		r := e.do("GET", "/api/v1/conversations"+tc.query, "")
		if r.status != http.StatusBadRequest || r.json(t)["error"] != tc.want {
			t.Errorf("%s = %d %s; want 400 %q", tc.query, r.status, r.body, tc.want)
		}
	}
}

// TestConversation_UnknownParametersAre400AndChangeNothing: a typo such as
// /close?notify=false must not be ignored while the action runs.
func TestConversation_UnknownParametersAre400AndChangeNothing(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	e := newEnv(t, s).withTeam(team)
	if r := e.do("POST", "/api/v1/inbound", inboundBody("jane", "google", "m-1", "hi")); r.status != http.StatusCreated {
		t.Fatalf("inbound = %d %s", r.status, r.body)
	}
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/api/v1/conversations/1/messages?limit=5", `unknown parameter "limit": this endpoint takes no parameters`},
		{"POST", "/api/v1/conversations/1/close?notify=false", `unknown parameter "notify": this endpoint takes no parameters`},
		{"POST", "/api/v1/conversations/1/close?%zz", "the query string is malformed: URL escape \"%zz\""},
		{"POST", "/api/v1/conversations/1/reopen?x", `unknown parameter "x": this endpoint takes no parameters`},
	} {
		r := e.do(tc.method, tc.path, "")
		if r.status != http.StatusBadRequest || r.json(t)["error"] != tc.want {
			t.Errorf("%s %s = %d %s; want 400 %q", tc.method, tc.path, r.status, r.body, tc.want)
		}
	}
	if c, _ := s.Conversation(bg, 1); c.Status != inboxbot.StatusOpen {
		t.Fatalf("a refused close changed the conversation: %s", c.Status)
	}
}

func TestErrors_InternalErrorIsLoggedNotShown(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	e := newEnv(t, s).withTeam(team)
	s.Close()
	r := e.do("GET", "/api/v1/conversations", "")
	if r.status != http.StatusInternalServerError || r.json(t)["error"] != inboxbot.ErrorMessage(errFake{}) {
		t.Fatalf("closed store = %d %s", r.status, r.body)
	}
	if !strings.Contains(e.log.String(), "database is closed") {
		t.Fatalf("the detail was not logged:\n%s", e.log)
	}
}

type errFake struct{}

func (errFake) Error() string { return "fake" }

func TestTags_ExternalIDWithReservedCharacters(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite")).withTeam(team)
	e.do("POST", "/api/v1/inbound", inboundBody("crm/7 ü", "google", "m-1", "hi"))
	r := e.do("POST", "/api/v1/contacts/"+url.PathEscape("crm/7 ü")+"/tags", `{"add":["vip"]}`)
	if r.status != http.StatusOK || r.json(t)["contact"].(map[string]any)["external_id"] != "crm/7 ü" {
		t.Fatalf("escaped id = %d %s", r.status, r.body)
	}
}
