package discord_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot/bot/discord"
)

func TestInvite_PermissionsFollowTheFeatures(t *testing.T) {
	// View Channel 1024 + Send Messages 2048 + Embed Links 16384 + Read
	// Message History 65536, and Add Reactions 64 where notes are read.
	if got := discord.Permissions(true); got != 85056 {
		t.Errorf("gateway (notes) permissions %d, want 85056", got)
	}
	if got := discord.Permissions(false); got != 84992 {
		t.Errorf("HTTP interactions permissions %d, want 84992", got)
	}
	u := discord.InviteURL("100000000000000998", true)
	if !strings.Contains(u, "client_id=100000000000000998") || !strings.Contains(u, "scope=bot%20applications.commands") ||
		!strings.HasSuffix(u, "permissions=85056") {
		t.Errorf("invite URL %s", u)
	}
}
