package bot_test

import (
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
)

func TestDigestText_CountsAndTheOldest(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	after := 15 * time.Minute
	for _, tt := range []struct {
		d    inboxbot.Digest
		want string
	}{
		{inboxbot.Digest{After: after}, "Nothing needs someone now: no conversation waits unassigned over 15 minutes."},
		{inboxbot.Digest{After: after, Unassigned: 1, Oldest: []inboxbot.WaitingSince{{ID: 7, Since: now.Add(-20 * time.Minute)}}},
			"1 conversation needs someone: 1 unassigned over 15 minutes (oldest #7 for 20 minutes)."},
		{inboxbot.Digest{After: after, Unassigned: 9, Breached: 3, Oldest: []inboxbot.WaitingSince{
			{ID: 1042, Since: now.Add(-2 * time.Hour)}, {ID: 1050, Since: now.Add(-40 * time.Minute)}}},
			"12 conversations need someone: 9 unassigned over 15 minutes (oldest #1042 for 2 hours, #1050 for 40 minutes); 3 past their SLA."},
		{inboxbot.Digest{After: after, Breached: 2}, "2 conversations need someone: 2 past their SLA."},
		{inboxbot.Digest{After: after, Unassigned: 10000, More: true, Oldest: []inboxbot.WaitingSince{{ID: 1, Since: now.Add(-72 * time.Hour)}}},
			"More than 10,000 conversations need someone: more than 10,000 unassigned over 15 minutes (oldest #1 for 3 days)."},
	} {
		if got := bot.DigestText(tt.d, now); got != tt.want {
			t.Errorf("DigestText(%+v)\n= %q\nwant %q", tt.d, got, tt.want)
		}
	}
}
