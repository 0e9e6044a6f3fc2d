package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// TestBadInput_Is400NamingTheFieldOnEveryDatabase: values the database
// cannot store (year 0, a NUL) and queries Go's parser drops silently are
// the caller's mistake, on SQLite and PostgreSQL alike: 400 naming what
// was wrong, never 500 and never an unfiltered list.
func TestBadInput_Is400NamingTheFieldOnEveryDatabase(t *testing.T) {
	msg := func(field string) string {
		return `{"kind":"message","contact":{"external_id":"jane"},"channel":"sms","message":{"body":"hi",` + field + `}}`
	}
	cases := []struct{ name, method, path, body, want string }{
		{"year 0 UTC", "POST", "/api/v1/inbound", msg(`"sent_at":"0000-01-01T00:00:00Z"`), "message.sent_at"},
		{"year 0 east of UTC", "POST", "/api/v1/inbound", msg(`"sent_at":"0000-01-01T00:00:00+01:00"`), "message.sent_at"},
		{"year 9999 west of UTC", "POST", "/api/v1/inbound", msg(`"sent_at":"9999-12-31T23:00:00-05:00"`), "message.sent_at"},
		{"number out of range", "POST", "/api/v1/inbound", msg(`"external_id":1e999`), "message.external_id"},
		{"NUL assignee", "GET", "/api/v1/conversations?assignee=%00", "", "assignee"},
		{"NUL follower", "GET", "/api/v1/conversations?follower=%00", "", "follower"},
		{"NUL in a contact id", "POST", "/api/v1/contacts/a%00b/tags", `{"add":["vip"]}`, "external_id"},
		{"semicolon in the query", "GET", "/api/v1/conversations?status=open;limit=1", "", "query string"},
		{"bad escape in the query", "GET", "/api/v1/conversations?status=%zz", "", "query string"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		for _, tc := range cases {
			r := e.do(tc.method, tc.path, tc.body)
			if r.status != http.StatusBadRequest {
				t.Errorf("%s: %s %s = %d %s, want 400", tc.name, tc.method, tc.path, r.status, r.body)
				continue
			}
			if msg, _ := r.json(t)["error"].(string); !strings.Contains(msg, tc.want) {
				t.Errorf("%s: error %q does not name %q", tc.name, msg, tc.want)
			}
		}
	})
}
