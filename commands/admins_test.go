package commands_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func TestParseAdmins_RefusesWhatThePlatformsNeverSend(t *testing.T) {
	ok, err := commands.ParseAdmins(" slack:U0DANA, discord:100000000000000001 ,shell:dana,")
	if err != nil || len(ok) != 3 || ok[1] != (commands.Admin{Platform: inboxbot.PlatformDiscord, ID: "100000000000000001"}) {
		t.Fatalf("ParseAdmins = %+v, %v", ok, err)
	}
	for entry, want := range map[string]string{
		"slack:bad":      `"bad" is not a slack user id`,
		"discord:12":     `"12" is not a discord user id`,
		"shell:me":       "me is reserved",
		"teams:U1":       "must be slack:USERID",
		"slack:":         "must be slack:USERID",
		"U0DANA":         "must be slack:USERID",
		"discord:1.5e18": `is not a discord user id`,
	} {
		_, err := commands.ParseAdmins(entry)
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAdmins(%q) = %v, want EINVALID saying %q", entry, err, want)
		}
	}
}
