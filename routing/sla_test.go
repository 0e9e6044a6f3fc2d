package routing

import (
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
)

func TestPolicyFor_FirstMatching(t *testing.T) {
	ps := []inboxbot.Policy{
		{Name: "VIP", When: []inboxbot.Condition{{Field: inboxbot.FieldTag, Op: inboxbot.OpEq, Value: "vip"}}},
		{Name: "All"},
	}
	vip := inboxbot.Conversation{Contact: inboxbot.Contact{Tags: []string{"vip"}}}
	if got := PolicyFor(ps, vip, time.Now()); got != 0 {
		t.Fatalf("vip: %d", got)
	}
	if got := PolicyFor(ps, inboxbot.Conversation{}, time.Now()); got != 1 {
		t.Fatalf("plain: %d", got)
	}
	if got := PolicyFor(ps[:1], inboxbot.Conversation{}, time.Now()); got != -1 {
		t.Fatalf("none: %d", got)
	}
}

func TestDue_BusinessHoursCountOnlyWorkingTime(t *testing.T) {
	dana := &inboxbot.Member{Hours: map[string]string{"mon-fri": "09:00-17:00"}, Timezone: "Europe/Berlin"}
	// Friday 16:30 Berlin plus one working hour is Monday 09:30.
	start := at(t, "Europe/Berlin", "2026-11-27 16:30")
	if got, want := Due(inboxbot.HoursBusiness, dana, start, time.Hour), at(t, "Europe/Berlin", "2026-11-30 09:30"); !got.Equal(want) {
		t.Fatalf("business: %v, want %v", got, want)
	}
	if got, want := Due(inboxbot.HoursAlways, dana, start, time.Hour), start.Add(time.Hour); !got.Equal(want) {
		t.Fatalf("always: %v, want %v", got, want)
	}
	// Unassigned counts always.
	if got, want := Due(inboxbot.HoursBusiness, nil, start, 30*time.Second), start.Add(30*time.Second); !got.Equal(want) {
		t.Fatalf("unassigned: %v, want %v", got, want)
	}
}
