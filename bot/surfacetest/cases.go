package surfacetest

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func cardFollowsChanges(t *testing.T, d Driver) {
	dana := d.Join("dana", inboxbot.RoleAgent)
	conv := inbound(t, d, "jane", "Hi, I need a quote")
	d.Flush()
	card := d.Card(conv.ID)
	if card.Posted != 1 || !sameActions(card.Actions, commands.CardActions(conv, true)) {
		t.Fatalf("new card: posted %d with %v, want once with %v", card.Posted, card.Actions, commands.CardActions(conv, true))
	}
	// A change made elsewhere (the API, the console, another platform)
	// reaches this platform's card.
	if _, _, err := d.Store().Assign(t.Context(), inboxbot.Change{ConversationID: conv.ID, To: dana.ID, Via: inboxbot.ViaAPI}); err != nil {
		t.Fatal(err)
	}
	d.Flush()
	card = d.Card(conv.ID)
	now := conversation(t, d, conv.ID)
	if card.Posted != 1 || !strings.Contains(card.Text, "dana") || !sameActions(card.Actions, commands.CardActions(now, true)) {
		t.Fatalf("after an assignment through the API: posted %d, actions %v, text %s", card.Posted, card.Actions, card.Text)
	}
}

func buttons(t *testing.T, d Driver) {
	dana := d.Join("dana", inboxbot.RoleManager)
	lee := d.Join("lee", inboxbot.RoleAgent)
	conv := inbound(t, d, "jane", "Hi")
	d.Flush()
	var nobody inboxbot.Member
	steps := []struct {
		action commands.Action
		target inboxbot.Member
		holds  func(inboxbot.Conversation) bool
	}{
		{commands.ActionClaim, nobody, func(c inboxbot.Conversation) bool { return c.AssigneeID == dana.ID }},
		{commands.ActionAssign, lee, func(c inboxbot.Conversation) bool { return c.AssigneeID == lee.ID }},
		{commands.ActionFollow, nobody, func(c inboxbot.Conversation) bool { return c.FollowedBy(dana.ID) }},
		{commands.ActionUnfollow, nobody, func(c inboxbot.Conversation) bool { return !c.FollowedBy(dana.ID) }},
		{commands.ActionUnassign, nobody, func(c inboxbot.Conversation) bool { return !c.Assigned() }},
		{commands.ActionClose, nobody, func(c inboxbot.Conversation) bool { return c.Status == inboxbot.StatusClosed }},
		{commands.ActionReopen, nobody, func(c inboxbot.Conversation) bool { return c.Status == inboxbot.StatusOpen }},
	}
	for _, s := range steps {
		press(t, d, dana, conv.ID, s.action, s.target)
		if c := conversation(t, d, conv.ID); !s.holds(c) {
			t.Fatalf("after %s from the card: %+v", s.action, c)
		}
		d.Flush()
		if card := d.Card(conv.ID); card.Posted != 1 {
			t.Fatalf("after %s the card was posted %d times", s.action, card.Posted)
		}
	}
	press(t, d, dana, conv.ID, commands.ActionClaim, nobody)
	ans := d.Reply(dana, conv.ID, "We can deliver on Monday.")
	if ans.Elapsed >= d.Deadline() {
		t.Errorf("the reply was answered after %v", ans.Elapsed)
	}
	msgs, err := d.Store().Messages(t.Context(), conv.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	last := msgs[len(msgs)-1]
	if last.Direction != inboxbot.DirectionOutbound || last.Body != "We can deliver on Monday." {
		t.Fatalf("the reply was not stored for the contact: %+v", last)
	}
}

func secondClaimer(t *testing.T, d Driver) {
	dana := d.Join("dana", inboxbot.RoleAgent)
	lee := d.Join("lee", inboxbot.RoleAgent)
	conv := inbound(t, d, "jane", "Hi")
	d.Flush()
	press(t, d, dana, conv.ID, commands.ActionClaim, inboxbot.Member{})
	ans := press(t, d, lee, conv.ID, commands.ActionClaim, inboxbot.Member{})
	if !strings.Contains(ans.Text, "already assigned to dana") {
		t.Fatalf("the second claimer was told %q", ans.Text)
	}
	if c := conversation(t, d, conv.ID); c.AssigneeID != dana.ID {
		t.Fatalf("assignee %q, want dana", c.AssigneeName)
	}
}

func dmsToTheRightPeople(t *testing.T, d Driver) {
	dana := d.Join("dana", inboxbot.RoleAgent)
	lee := d.Join("lee", inboxbot.RoleAgent)
	sam := d.Join("sam", inboxbot.RoleAgent)
	conv := inbound(t, d, "jane", "Hi")
	d.Flush()
	press(t, d, dana, conv.ID, commands.ActionAssign, lee)
	d.Flush()
	if got := d.DMs(lee); len(got) != 1 || !strings.Contains(got[0], conv.Ref()) {
		t.Errorf("lee, given %s, got %q", conv.Ref(), got)
	}
	if got := d.DMs(dana); len(got) != 0 {
		t.Errorf("dana, who assigned it, got %q", got)
	}
	if got := d.DMs(sam); len(got) != 0 {
		t.Errorf("sam, not involved, got %q", got)
	}
	// lee hands it back himself: nobody is told of their own act.
	press(t, d, lee, conv.ID, commands.ActionUnassign, inboxbot.Member{})
	d.Flush()
	if got := d.DMs(lee); len(got) != 1 {
		t.Errorf("lee was told of his own unassign: %q", got)
	}
}

func customerTextInert(t *testing.T, d Driver) {
	d.Join("dana", inboxbot.RoleAgent)
	evil := "<!channel> @everyone @here <@U0DANA> <@100000000000000001> *bold* [x](https://evil.example)"
	conv := inbound(t, d, evil, evil)
	d.Flush()
	if card := d.Card(conv.ID); card.Posted != 1 || card.Pings {
		t.Fatalf("a card of customer text would ping (posted %d): %s", card.Posted, card.Text)
	}
}

func retries(t *testing.T, d Driver) {
	dana := d.Join("dana", inboxbot.RoleAgent)
	lee := d.Join("lee", inboxbot.RoleAgent)
	conv := inbound(t, d, "jane", "Hi")
	if _, _, err := d.Store().Assign(t.Context(), inboxbot.Change{ConversationID: conv.ID, To: lee.ID, Actor: dana.ID, Via: inboxbot.ViaAPI}); err != nil {
		t.Fatal(err)
	}
	d.Failing(true)
	d.Flush()
	d.Flush()
	if card := d.Card(conv.ID); card.Posted != 0 || len(d.DMs(lee)) != 0 {
		t.Fatalf("delivered while the platform refused everything: card %d, DMs %q", card.Posted, d.DMs(lee))
	}
	d.Failing(false)
	d.Flush()
	d.Flush()
	if card, dms := d.Card(conv.ID), d.DMs(lee); card.Posted != 1 || len(dms) != 1 {
		t.Fatalf("after retries: card posted %d times, lee got %d DMs", card.Posted, len(dms))
	}
}

func counted(t *testing.T, d Driver) {
	dana := d.Join("dana", inboxbot.RoleAgent)
	conv := inbound(t, d, "jane", "Hi")
	d.Flush()
	var got []string
	done := make(chan string, 10)
	d.Service().Count = func(command string, outcome commands.Outcome) {
		done <- commands.Label(command) + ":" + string(outcome)
	}
	for _, a := range []commands.Action{commands.ActionClaim, commands.ActionClose, commands.ActionReopen} {
		press(t, d, dana, conv.ID, a, inboxbot.Member{})
		got = append(got, <-done)
		d.Flush()
	}
	if strings.Join(got, ",") != "claim:ok,close:ok,reopen:ok" {
		t.Fatalf("inboxbot_commands_total would count %v", got)
	}
}

func outsider(t *testing.T, d Driver) {
	conv := inbound(t, d, "jane", "Hi")
	d.Flush()
	before, err := d.Store().Members(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []commands.Action{commands.ActionClaim, commands.ActionClose, commands.ActionFollow} {
		ans := d.Outsider(conv.ID, a)
		if ans.Text == "" || strings.Contains(ans.Text, "claimed") {
			t.Errorf("the outsider's %s was answered %q, want a refusal", a, ans.Text)
		}
	}
	if c := conversation(t, d, conv.ID); c.AssigneeID != 0 || c.Status != inboxbot.StatusOpen {
		t.Fatalf("an outsider changed the conversation: assignee %q, status %s", c.AssigneeName, c.Status)
	}
	after, err := d.Store().Members(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("an outsider became a member: %d members, were %d", len(after), len(before))
	}
}

func replayed(t *testing.T, d Driver) {
	dana := d.Join("dana", inboxbot.RoleAgent)
	conv := inbound(t, d, "jane", "Hi")
	d.Flush()
	// The Close is replayed after someone reopened the conversation: it
	// must not close it again.
	first, again := d.Twice(dana, conv.ID, commands.ActionClose, func() {
		if r := d.Service().Act(t.Context(), commands.ActionRequest{Platform: inboxbot.PlatformShell, UserID: "dana",
			ConversationID: conv.ID, Action: commands.ActionReopen}); r.Outcome != commands.OK {
			t.Fatalf("reopen: %+v", r)
		}
	})
	if strings.Contains(first.Text, "Already done") {
		t.Fatalf("the first Close was answered %q", first.Text)
	}
	if !strings.Contains(again.Text, "Already done") {
		t.Errorf("the replayed Close was answered %q, want it said to be done already", again.Text)
	}
	if c := conversation(t, d, conv.ID); c.Status != inboxbot.StatusOpen {
		t.Fatalf("the replayed Close closed the conversation again: %s", c.Status)
	}
}
