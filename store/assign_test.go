package store_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestClaim_SecondClaimerIsToldWhoHasIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		c := inbound(t, s, "jane", "sms", "hi").Conversation

		got, changed, err := s.Claim(ctx, c.ID, dana.ID, inboxbot.ViaShell)
		if err != nil || !changed || got.AssigneeName != "dana" {
			t.Fatalf("first claim = %v, %v, %v", got.AssigneeName, changed, err)
		}
		_, _, err = s.Claim(ctx, c.ID, lee.ID, inboxbot.ViaShell)
		wantCode(t, err, inboxbot.ECONFLICT)
		if !strings.Contains(inboxbot.ErrorMessage(err), "already assigned to dana") {
			t.Fatalf("message %q does not name the holder", inboxbot.ErrorMessage(err))
		}
		if _, changed, err := s.Claim(ctx, c.ID, dana.ID, inboxbot.ViaShell); err != nil || changed {
			t.Fatalf("claiming one's own = %v, %v; want a no-op", changed, err)
		}
		_, _, err = s.Claim(ctx, 999, dana.ID, inboxbot.ViaShell)
		wantCode(t, err, inboxbot.ENOTFOUND)
		h, _ := s.History(ctx, c.ID)
		if len(h) != 1 || h[0].ToName != "dana" || h[0].ActorName != "dana" || h[0].Via != inboxbot.ViaShell {
			t.Fatalf("history = %+v, want one claim by dana", h)
		}
		if got := outbox(t, s); len(got) != 0 {
			t.Fatalf("claiming notified %v; the actor is never notified", got)
		}
	})
}

// A claim answers with the conversation as a read after it shows it (on
// PostgreSQL the claim's own statement reads it back), followers included.
func TestClaim_AnswersWithTheConversationAsStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		if _, err := s.Follow(ctx, c.ID, lee.ID); err != nil {
			t.Fatal(err)
		}
		got, changed, err := s.Claim(ctx, c.ID, dana.ID, inboxbot.ViaShell)
		if err != nil || !changed {
			t.Fatalf("claim = %v, %v", changed, err)
		}
		want, err := s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Fatalf("claim answered\n%+v\nthe conversation is\n%+v", got, want)
		}
		if len(got.Followers) != 1 || got.Followers[0].Name != "lee" || got.AssigneeName != "dana" {
			t.Fatalf("claim answered followers %v, assignee %q", got.Followers, got.AssigneeName)
		}
	})
}

func TestAssign_ReassignNotifiesOldAndNewButNotTheActor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleManager)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		sam := mustMember(t, s, "sam", inboxbot.RoleAgent)
		c := inbound(t, s, "jane", "sms", "need a quote").Conversation

		if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: lee.ID, Actor: dana.ID, Via: inboxbot.ViaShell}); err != nil {
			t.Fatal(err)
		}
		if got := outbox(t, s); !slices.Equal(got, []string{"lee:assigned"}) {
			t.Fatalf("after assign: outbox %v", got)
		}
		if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: sam.ID, Actor: dana.ID, Via: inboxbot.ViaShell}); err != nil {
			t.Fatal(err)
		}
		if got := outbox(t, s); !slices.Equal(got, []string{"sam:assigned", "lee:reassigned"}) {
			t.Fatalf("after reassign: outbox %v", got)
		}
		// Sam gives it to lee himself: lee is told, sam (the actor) is not.
		if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: lee.ID, Actor: sam.ID, Via: inboxbot.ViaShell}); err != nil {
			t.Fatal(err)
		}
		if got := outbox(t, s); !slices.Equal(got, []string{"lee:assigned"}) {
			t.Fatalf("after self-reassign: outbox %v", got)
		}
		_, changed, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: lee.ID, Actor: dana.ID, Via: inboxbot.ViaShell})
		if err != nil || changed {
			t.Fatalf("assigning to the current assignee = %v, %v; want a no-op", changed, err)
		}
		conv, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, Actor: dana.ID, Via: inboxbot.ViaShell})
		if err != nil || conv.Assigned() {
			t.Fatalf("unassign = %+v, %v", conv, err)
		}
		if got := outbox(t, s); !slices.Equal(got, []string{"lee:reassigned"}) {
			t.Fatalf("after unassign: outbox %v", got)
		}
		h, _ := s.History(ctx, c.ID)
		var steps []string
		for _, e := range h {
			steps = append(steps, fmt.Sprintf("%s>%s by %s", e.FromName, e.ToName, e.ActorName))
		}
		want := []string{">lee by dana", "lee>sam by dana", "sam>lee by sam", "lee> by dana"}
		if !slices.Equal(steps, want) {
			t.Fatalf("history %v, want %v", steps, want)
		}
	})
}

func TestAssign_RefusedChangeChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		refuse := func(inboxbot.Conversation) error { return inboxbot.Errorf(inboxbot.EFORBIDDEN, "no") }
		_, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: dana.ID, Actor: dana.ID, Check: refuse})
		wantCode(t, err, inboxbot.EFORBIDDEN)
		_, _, err = s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: 4242, Actor: dana.ID})
		wantCode(t, err, inboxbot.ENOTFOUND)
		got, _ := s.Conversation(ctx, c.ID)
		h, _ := s.History(ctx, c.ID)
		if got.Assigned() || len(h) != 0 || len(outbox(t, s)) != 0 {
			t.Fatalf("a refused change left %+v, history %v", got, h)
		}
	})
}

func TestNotify_MutedKindIsNotQueued(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleManager)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		if _, err := s.SetNotify(ctx, lee.ID, inboxbot.NotifyAssigned, false); err != nil {
			t.Fatal(err)
		}
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: lee.ID, Actor: dana.ID})
		if got := outbox(t, s); len(got) != 0 {
			t.Fatalf("muted member got %v", got)
		}
		_, err := s.SetNotify(ctx, lee.ID, "everything", false)
		wantCode(t, err, inboxbot.EINVALID)
	})
}

func TestNotify_OneRowPerLinkedPlatform(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleManager)
		lee, err := s.CreateMember(ctx, inboxbot.Member{Name: "lee", SlackID: "U1", DiscordID: "42"})
		if err != nil {
			t.Fatal(err)
		}
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: lee.ID, Actor: dana.ID})
		got := outbox(t, s)
		if len(got) != 2 || !strings.Contains(strings.Join(got, " "), "U1:assigned") || !strings.Contains(strings.Join(got, " "), "42:assigned") {
			t.Fatalf("outbox %v, want one DM on Slack and one on Discord", got)
		}
	})
}

func TestFollow_FollowersHearOfNewMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		if ok, err := s.Follow(ctx, c.ID, lee.ID); err != nil || !ok {
			t.Fatalf("follow = %v, %v", ok, err)
		}
		if ok, _ := s.Follow(ctx, c.ID, lee.ID); ok {
			t.Fatal("following twice reported a change")
		}
		if again := inbound(t, s, "jane", "sms", "are you there?"); again.Created || again.Conversation.ID != c.ID {
			t.Fatalf("second message opened %+v", again)
		}
		if got := outbox(t, s); !slices.Equal(got, []string{"lee:following"}) {
			t.Fatalf("outbox %v", got)
		}
		if ok, err := s.Unfollow(ctx, c.ID, lee.ID); err != nil || !ok {
			t.Fatalf("unfollow = %v, %v", ok, err)
		}
		inbound(t, s, "jane", "sms", "hello?")
		if got := outbox(t, s); len(got) != 0 {
			t.Fatalf("after unfollow: outbox %v", got)
		}
		_, err := s.Follow(ctx, 777, lee.ID)
		wantCode(t, err, inboxbot.ENOTFOUND)
	})
}

func TestAssignContact_OwnerTakesOpenAndNewConversations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleManager)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		sms := inbound(t, s, "jane", "sms", "hi").Conversation
		mail := inbound(t, s, "jane", "email", "hi by mail").Conversation
		s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: mail.ID, Status: inboxbot.StatusClosed})
		other := inbound(t, s, "joe", "sms", "hi").Conversation

		contact, moved, err := s.AssignContact(ctx, "jane", lee.ID, dana.ID)
		if err != nil || contact.OwnerName != "lee" || len(moved) != 1 || moved[0].ID != sms.ID {
			t.Fatalf("contact assign = %+v, %v, %v", contact, moved, err)
		}
		web := inbound(t, s, "jane", "webchat", "me again")
		if web.Conversation.AssigneeName != "lee" {
			t.Fatalf("new conversation of an owned contact went to %q", web.Conversation.AssigneeName)
		}
		if got, _ := s.Conversation(ctx, other.ID); got.Assigned() {
			t.Fatal("another contact's conversation was assigned")
		}
		_, _, err = s.AssignContact(ctx, "nobody@example.com", lee.ID, dana.ID)
		wantCode(t, err, inboxbot.ENOTFOUND)
	})
}

func TestSetStatus_NewMessageReopensTheClosedConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		first := inbound(t, s, "jane", "sms", "hi").Conversation
		if _, _, err := s.Claim(ctx, first.ID, dana.ID, inboxbot.ViaShell); err != nil {
			t.Fatal(err)
		}
		conv, ok, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: first.ID, Status: inboxbot.StatusClosed, Actor: dana.ID, Via: inboxbot.ViaShell})
		if err != nil || !ok || conv.Status != inboxbot.StatusClosed || conv.AssigneeName != "dana" {
			t.Fatalf("close = %+v, %v, %v", conv, ok, err)
		}
		if _, ok, _ := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: first.ID, Status: inboxbot.StatusClosed}); ok {
			t.Error("closing a closed conversation changed it")
		}
		_, _, err = s.Claim(ctx, first.ID, dana.ID, inboxbot.ViaShell)
		wantCode(t, err, inboxbot.ECONFLICT)
		if other := inbound(t, s, "jane", "email", "by mail"); !other.Created {
			t.Error("a message on another channel did not open its own conversation")
		}
		again := inbound(t, s, "jane", "sms", "new question")
		if again.Created || again.Conversation.ID != first.ID || again.Conversation.Status != inboxbot.StatusOpen ||
			again.Conversation.AssigneeName != "dana" {
			t.Fatalf("a message after closing = %+v, want #%d reopened with dana", again, first.ID)
		}
		hist, err := s.History(ctx, first.ID)
		if err != nil || len(hist) != 3 || hist[1].Kind != inboxbot.KindClose || hist[2].Kind != inboxbot.KindReopen ||
			hist[2].Via != inboxbot.ViaInbound {
			t.Fatalf("history = %+v, %v", hist, err)
		}
		if got := outbox(t, s); !slices.Contains(got, "dana:following") {
			t.Errorf("outbox = %v, want dana told of the reopening", got)
		}
	})
}

// TestClaim_RaceHasExactlyOneWinner is the claim button pressed by fifty
// people at once, on PostgreSQL where they really run in parallel.
func TestClaim_RaceHasExactlyOneWinner(t *testing.T) {
	s := storetest.Open(t, "postgres")
	const n = 50
	members := make([]inboxbot.Member, n)
	for i := range members {
		members[i] = mustMember(t, s, fmt.Sprintf("agent%02d", i), inboxbot.RoleAgent)
	}
	c := inbound(t, s, "jane", "sms", "hi").Conversation

	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range members {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			_, _, errs[i] = s.Claim(ctx, c.ID, members[i].ID, inboxbot.ViaSlack)
		}(i)
	}
	close(start)
	wg.Wait()

	final, err := s.Conversation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	winners := 0
	for i, err := range errs {
		switch {
		case err == nil:
			winners++
			if final.AssigneeID != members[i].ID {
				t.Errorf("%s won but %s holds it", members[i].Name, final.AssigneeName)
			}
		case inboxbot.ErrorCode(err) != inboxbot.ECONFLICT:
			t.Errorf("%s: unexpected error %v", members[i].Name, err)
		case !strings.Contains(err.Error(), "already assigned to "+final.AssigneeName):
			t.Errorf("%s was told %q, not who has it (%s)", members[i].Name, err, final.AssigneeName)
		}
	}
	h, _ := s.History(ctx, c.ID)
	if winners != 1 || len(h) != 1 {
		t.Fatalf("%d winners and %d assignment events, want 1 and 1", winners, len(h))
	}
}

// TestAssign_ConcurrentReassignmentsKeepHistoryConsistent checks that
// every event starts where the previous one ended and the last one ends at
// the final assignee, whatever order concurrent reassignments ran in.
func TestAssign_ConcurrentReassignmentsKeepHistoryConsistent(t *testing.T) {
	s := storetest.Open(t, "postgres")
	boss := mustMember(t, s, "boss", inboxbot.RoleManager)
	var members []inboxbot.Member
	for i := 0; i < 5; i++ {
		members = append(members, mustMember(t, s, fmt.Sprintf("agent%d", i), inboxbot.RoleAgent))
	}
	c := inbound(t, s, "jane", "sms", "hi").Conversation

	var wg sync.WaitGroup
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				to := members[(g+i)%len(members)].ID
				if (g+i)%7 == 0 {
					to = 0
				}
				if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: c.ID, To: to, Actor: boss.ID, Via: inboxbot.ViaAPI}); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	wg.Wait()

	final, _ := s.Conversation(ctx, c.ID)
	h, err := s.History(ctx, c.ID)
	if err != nil || len(h) == 0 {
		t.Fatalf("history: %v, %d events", err, len(h))
	}
	prev := int64(0)
	for _, e := range h {
		if e.FromID != prev || e.FromID == e.ToID {
			t.Fatalf("event %d goes %d>%d after the conversation was at %d", e.ID, e.FromID, e.ToID, prev)
		}
		prev = e.ToID
	}
	if prev != final.AssigneeID {
		t.Fatalf("history ends at %d, conversation is with %d", prev, final.AssigneeID)
	}
}

// TestClose_RacingAnInboundMessageLosesNoMessage closes a conversation
// while the contact writes, many times over on PostgreSQL: whichever runs
// first, the contact never has two open conversations on the channel and
// every message lands in the one conversation; a message that committed
// after the close left it open.
func TestClose_RacingAnInboundMessageLosesNoMessage(t *testing.T) {
	s := storetest.Open(t, "postgres")
	c := inbound(t, s, "jane", "sms", "hi").Conversation
	const rounds = 30
	for i := range rounds {
		var wg sync.WaitGroup
		start := make(chan struct{})
		var res inboxbot.InboundResult
		var inErr, closeErr error
		wg.Go(func() {
			<-start
			res, inErr = s.AddInbound(ctx, inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: "sms",
				Contact: inboxbot.Contact{ExternalID: "jane"}, MessageID: fmt.Sprintf("m-%d", i), Body: fmt.Sprintf("message %d", i)}, nil)
		})
		wg.Go(func() {
			<-start
			_, _, closeErr = s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: c.ID, Status: inboxbot.StatusClosed})
		})
		close(start)
		wg.Wait()
		if inErr != nil || closeErr != nil {
			t.Fatalf("round %d: inbound %v, close %v", i, inErr, closeErr)
		}
		if res.Conversation.ID != c.ID || res.Created {
			t.Fatalf("round %d: the message went to #%d (created %v), want #%d", i, res.Conversation.ID, res.Created, c.ID)
		}
		if res.Reopened && res.Conversation.Status != inboxbot.StatusOpen {
			t.Fatalf("round %d: reopened but %s", i, res.Conversation.Status)
		}
	}
	open, err := s.List(ctx, inboxbot.Filter{Status: inboxbot.StatusOpen, Limit: 10})
	if err != nil || len(open) > 1 {
		t.Fatalf("open conversations = %d, %v", len(open), err)
	}
	msgs, err := s.Messages(ctx, c.ID, 1000)
	if err != nil || len(msgs) != rounds+1 {
		t.Fatalf("messages = %d, %v; want %d in the one conversation", len(msgs), err, rounds+1)
	}
}
