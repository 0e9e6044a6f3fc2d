package inboxbot_test

import (
	"slices"
	"testing"

	"github.com/inboxbot/inboxbot"
)

func TestChangeRecipients_NewAndPreviousAssigneeButNeverTheActor(t *testing.T) {
	const dana, lee, sam = 1, 2, 3
	type r = inboxbot.Recipient
	for _, tt := range []struct {
		name            string
		from, to, actor int64
		want            []r
	}{
		{"claim tells nobody", 0, dana, dana, nil},
		{"assign by another tells the assignee", 0, lee, dana, []r{{lee, inboxbot.EventAssigned}}},
		{"a rule assigns", 0, lee, 0, []r{{lee, inboxbot.EventAssigned}}},
		{"reassign tells both", lee, sam, dana, []r{{sam, inboxbot.EventAssigned}, {lee, inboxbot.EventReassigned}}},
		{"taking it yourself tells the one it was taken from", lee, dana, dana, []r{{lee, inboxbot.EventReassigned}}},
		{"unassign by another", lee, 0, dana, []r{{lee, inboxbot.EventUnassigned}}},
		{"unassigning your own tells nobody", lee, 0, lee, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := inboxbot.ChangeRecipients(tt.from, tt.to, tt.actor); !slices.Equal(got, tt.want) {
				t.Errorf("ChangeRecipients(%d, %d, %d) = %v, want %v", tt.from, tt.to, tt.actor, got, tt.want)
			}
		})
	}
}

func TestAlertRecipients_ManagersAndAdmins(t *testing.T) {
	ms := []inboxbot.Member{{ID: 1, Role: inboxbot.RoleAgent}, {ID: 2, Role: inboxbot.RoleManager}, {ID: 3, Role: inboxbot.RoleAdmin}}
	got := inboxbot.AlertRecipients(ms, inboxbot.EventWaiting)
	want := []inboxbot.Recipient{{2, inboxbot.EventWaiting}, {3, inboxbot.EventWaiting}}
	if !slices.Equal(got, want) {
		t.Errorf("AlertRecipients = %v, want %v", got, want)
	}
}

func TestEvent_KindIsWhatAMemberCanTurnOff(t *testing.T) {
	for ev, kind := range map[inboxbot.Event]string{
		inboxbot.EventAssigned: inboxbot.NotifyAssigned, inboxbot.EventReassigned: inboxbot.NotifyReassigned,
		inboxbot.EventUnassigned: inboxbot.NotifyReassigned, inboxbot.EventMessage: inboxbot.NotifyFollowing,
		inboxbot.EventUnplaced: inboxbot.NotifyAlerts, inboxbot.EventWaiting: inboxbot.NotifyAlerts,
	} {
		if got := ev.Kind(); got != kind {
			t.Errorf("%s.Kind() = %s, want %s", ev, got, kind)
		}
	}
}
