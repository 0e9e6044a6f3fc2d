package discord_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot/bot/discord"
)

func TestInvite_PermissionsFollowTheFeatures(t *testing.T) {
	// View Channel 1024 + Send Messages 2048 + Embed Links 16384 + Read
	// Message History 65536, and Add Reactions 64 where notes are read;
	// intake adds Manage Threads 1<<34, Create Private Threads 1<<36 and
	// Send Messages in Threads 1<<38.
	const threads = 1<<34 | 1<<36 | 1<<38
	for _, tc := range []struct {
		f    discord.Features
		want int64
	}{
		{discord.Features{Notes: true}, 85056},
		{discord.Features{}, 84992},
		{discord.Features{Notes: true, Intake: true}, 85056 + threads},
	} {
		if got := discord.Permissions(tc.f); got != tc.want {
			t.Errorf("%+v: permissions %d, want %d", tc.f, got, tc.want)
		}
	}
	u := discord.InviteURL("100000000000000998", discord.Features{Notes: true})
	if !strings.Contains(u, "client_id=100000000000000998") || !strings.Contains(u, "scope=bot%20applications.commands") ||
		!strings.HasSuffix(u, "permissions=85056") {
		t.Errorf("invite URL %s", u)
	}
	if u := discord.InviteURL("1", discord.Features{Notes: true, Intake: true}); !strings.HasSuffix(u, "permissions=360777337920") {
		t.Errorf("intake invite URL %s", u)
	}
}
