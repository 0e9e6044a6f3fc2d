package commands_test

import (
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func TestNoticeActions_FitTheEventForEveryPlatform(t *testing.T) {
	n := func(ev inboxbot.Event, assignee string) inboxbot.Notice {
		return inboxbot.Notice{Event: ev, ConversationID: 1, Assignee: assignee}
	}
	for _, tt := range []struct {
		n       inboxbot.Notice
		replies bool
		want    string
	}{
		{n(inboxbot.EventAssigned, "lee"), true, "show,unassign,reply,close,follow"},
		{n(inboxbot.EventAssigned, "lee"), false, "show,unassign,close,follow"},
		{n(inboxbot.EventReassigned, "sam"), true, "show,follow"},
		{n(inboxbot.EventUnassigned, ""), true, "show,claim,follow"},
		{n(inboxbot.EventMessage, ""), true, "show,claim,reply,close,unfollow"},
		{n(inboxbot.EventMessage, "lee"), true, "show,reply,close,unfollow"},
		{n(inboxbot.EventReopened, "lee"), false, "show,close,unfollow"},
		{n(inboxbot.EventUnplaced, ""), true, "show,claim,follow"},
		{n(inboxbot.EventWaiting, ""), true, "show,claim,follow"},
		{n(inboxbot.EventUnanswered, ""), true, "show,claim,follow"},
		{n(inboxbot.EventReplyFailed, "lee"), true, "show,reply,close"},
	} {
		if got := actions(commands.Card{Actions: commands.NoticeActions(tt.n, tt.replies)}); got != tt.want {
			t.Errorf("%s (replies %v) = %s, want %s", tt.n.Event, tt.replies, got, tt.want)
		}
	}
}
