package store_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestAddInbound_OpensThenAppendsAndMergesTheContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sent := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		first, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "SMS", Subject: "Quote",
			Contact:   inboxbot.Contact{ExternalID: "c-1", Name: "Jane Doe", LeadSource: "facebook-ad", Tags: []string{"VIP", "new"}, Region: "US-CA", Custom: map[string]string{"plan": "pro"}},
			MessageID: "m-1", Body: "Hi, I need a quote", SentAt: sent}, nil)
		if err != nil || !first.Created || first.Duplicate {
			t.Fatalf("first = %+v, %v", first, err)
		}
		c := first.Conversation
		if c.Channel != "sms" || c.Subject != "Quote" || c.Preview != "Hi, I need a quote" || !c.LastMessageAt.Equal(sent) {
			t.Fatalf("conversation %+v", c)
		}
		second, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms",
			Contact:   inboxbot.Contact{ExternalID: "c-1", Email: "jane@example.com", Tags: []string{"vip"}, Custom: map[string]string{"seats": "12"}},
			MessageID: "m-2", Body: "Any news?"}, nil)
		if err != nil || second.Created || second.Conversation.ID != c.ID {
			t.Fatalf("second = %+v, %v", second, err)
		}
		got := second.Conversation.Contact
		if got.Name != "Jane Doe" || got.Email != "jane@example.com" || got.LeadSource != "facebook-ad" ||
			!slices.Equal(got.Tags, []string{"new", "vip"}) || got.Custom["plan"] != "pro" || got.Custom["seats"] != "12" {
			t.Fatalf("merged contact %+v", got)
		}
		msgs, _ := s.Messages(ctx, c.ID, 10)
		if len(msgs) != 2 || msgs[0].Body != "Hi, I need a quote" || msgs[1].Body != "Any news?" {
			t.Fatalf("messages %+v", msgs)
		}
		if byMail, err := s.Contact(ctx, "JANE@example.com"); err != nil || byMail.ExternalID != "c-1" {
			t.Fatalf("contact by e-mail = %+v, %v", byMail, err)
		}
	})
}

func TestAddInbound_RepeatedMessageIDChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		in := inboxbot.Inbound{Kind: "message", Channel: "sms", Contact: inboxbot.Contact{ExternalID: "c-1"}, MessageID: "m-1", Body: "hi"}
		first, err := s.AddInbound(ctx, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		in.Body = "a retried webhook with another body"
		again, err := s.AddInbound(ctx, in, nil)
		if err != nil || !again.Duplicate || again.Created || again.Conversation.ID != first.Conversation.ID {
			t.Fatalf("repeat = %+v, %v", again, err)
		}
		if msgs, _ := s.Messages(ctx, first.Conversation.ID, 10); len(msgs) != 1 || msgs[0].Body != "hi" {
			t.Fatalf("messages after a repeat: %+v", msgs)
		}
	})
}

// TestAddInbound_RejectsBadContentFromAnyEntryPoint: the API and the shell
// both add through AddInbound, so the content rules live there, with the
// field named as the API's JSON names it.
func TestAddInbound_RejectsBadContentFromAnyEntryPoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ok := inboxbot.Inbound{Kind: "message", Channel: "sms", Contact: inboxbot.Contact{ExternalID: "c"}, Body: "hi"}
		for _, tc := range []struct {
			name   string
			mutate func(*inboxbot.Inbound)
			want   string
		}{
			{"kind", func(in *inboxbot.Inbound) { in.Kind = "fax" }, `kind must be "message" or "form" (got "fax")`},
			{"contact", func(in *inboxbot.Inbound) { in.Contact.ExternalID = " " }, "contact.external_id is required"},
			{"long external id", func(in *inboxbot.Inbound) { in.Contact.ExternalID = strings.Repeat("x", 201) }, "contact.external_id is longer than 200 bytes"},
			{"NUL in name", func(in *inboxbot.Inbound) { in.Contact.Name = "Ja\x00ne" }, "contact.name contains a NUL character"},
			{"bad UTF-8", func(in *inboxbot.Inbound) { in.Subject = "\xff" }, "subject is not valid UTF-8"},
			{"email", func(in *inboxbot.Inbound) { in.Contact.Email = "jane at home" }, `contact.email is not an e-mail address like jane@example.com (got "jane at home")`},
			{"region", func(in *inboxbot.Inbound) { in.Contact.Region = "California" }, `contact.region must be an ISO 3166 code such as US-CA or DE (got "California")`},
			{"empty tag", func(in *inboxbot.Inbound) { in.Contact.Tags = []string{"vip", " "} }, "contact.tags[1] is empty"},
			{"long tag", func(in *inboxbot.Inbound) { in.Contact.Tags = []string{strings.Repeat("t", 65)} }, "contact.tags[0] is longer than 64 bytes"},
			{"many tags", func(in *inboxbot.Inbound) { in.Contact.Tags = make([]string, 51) }, "contact.tags has 51 tags; at most 50 are allowed"},
			{"custom key", func(in *inboxbot.Inbound) { in.Contact.Custom = map[string]string{" ": "a"} }, "contact.custom has an empty field name"},
			{"long custom", func(in *inboxbot.Inbound) { in.Contact.Custom = map[string]string{"plan": strings.Repeat("p", 500)} }, "contact.custom.plan is longer than 500 bytes"},
			{"channel", func(in *inboxbot.Inbound) { in.Channel = "" }, "channel is required (like sms, email or webchat)"},
			{"channel of two words", func(in *inboxbot.Inbound) { in.Channel = "text message" }, `channel must be one word of letters, digits, - or _ (like sms), at most 32 long (got "text message")`},
			{"long channel", func(in *inboxbot.Inbound) { in.Channel = strings.Repeat("c", 33) }, "channel must be one word"},
			{"body", func(in *inboxbot.Inbound) { in.Body = "" }, "message.body is required"},
			{"long message id", func(in *inboxbot.Inbound) { in.MessageID = strings.Repeat("m", 201) }, "message.external_id is longer than 200 bytes"},
		} {
			in := ok
			tc.mutate(&in)
			_, err := s.AddInbound(ctx, in, nil)
			wantCode(t, err, inboxbot.EINVALID)
			if msg := inboxbot.ErrorMessage(err); !strings.Contains(msg, tc.want) {
				t.Errorf("%s: error %q, want %q", tc.name, msg, tc.want)
			}
			if list, _ := s.List(ctx, inboxbot.Filter{}); len(list) != 0 {
				t.Fatalf("%s: a rejected inbound stored %d conversations", tc.name, len(list))
			}
		}
		// What people type in the shell is stored as the API stores it.
		in := ok
		in.Contact.Region, in.Channel = "us-ca", "SMS"
		res, err := s.AddInbound(ctx, in, nil)
		if err != nil || res.Conversation.Contact.Region != "US-CA" || res.Conversation.Channel != "sms" {
			t.Fatalf("lower-case region = %+v, %v", res.Conversation, err)
		}
	})
}

// TestAddInbound_ConcurrentRetriesStoreOneMessage sends the same webhook
// many times at once, and many different first messages of one new contact.
func TestAddInbound_ConcurrentRetriesStoreOneMessage(t *testing.T) {
	s := storetest.Open(t, "postgres")
	const n = 20
	var wg sync.WaitGroup
	results := make([]inboxbot.InboundResult, 2*n)
	errs := make([]error, 2*n)
	start := make(chan struct{})
	for i := 0; i < 2*n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			in := inboxbot.Inbound{Kind: "message", Channel: "sms", Contact: inboxbot.Contact{ExternalID: "same"}, MessageID: "m-1", Body: "hi"}
			if i >= n {
				in = inboxbot.Inbound{Kind: "message", Channel: "email", Contact: inboxbot.Contact{ExternalID: "new"}, Body: "hello"}
			}
			results[i], errs[i] = s.AddInbound(ctx, in, nil)
		}(i)
	}
	close(start)
	wg.Wait()
	created, convs := 0, map[int64]bool{}
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if i < n && results[i].Created {
			created++
		}
		convs[results[i].Conversation.ID] = true
	}
	if created != 1 || len(convs) != 2 {
		t.Fatalf("%d requests created, %d conversations; want 1 and 2", created, len(convs))
	}
	for id := range convs {
		msgs, _ := s.Messages(ctx, id, 100)
		c, _ := s.Conversation(ctx, id)
		want := 1
		if c.Channel == "email" {
			want = n
		}
		if len(msgs) != want {
			t.Fatalf("%s conversation has %d messages, want %d", c.Channel, len(msgs), want)
		}
	}
}

func TestList_EachFilterReturnsExactlyItsConversations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleManager)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		add := func(contact, channel, source string, tags ...string) int64 {
			res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: channel, Body: "hi",
				Contact: inboxbot.Contact{ExternalID: contact, LeadSource: source, Tags: tags}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return res.Conversation.ID
		}
		a := add("a", "sms", "facebook-ad", "vip")
		b := add("b", "email", "google", "vip")
		c := add("c", "sms", "google")
		d := add("d", "webchat", "facebook-ad")
		s.Claim(ctx, a, dana.ID, inboxbot.ViaShell)
		s.Claim(ctx, b, lee.ID, inboxbot.ViaShell)
		s.Claim(ctx, d, lee.ID, inboxbot.ViaShell)
		s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: d, Status: inboxbot.StatusClosed})
		s.Follow(ctx, c, dana.ID)
		s.Follow(ctx, b, dana.ID)

		for _, tc := range []struct {
			name string
			f    inboxbot.Filter
			want []int64
		}{
			{"all", inboxbot.Filter{}, []int64{d, c, b, a}},
			{"personal inbox", inboxbot.Filter{AssigneeID: lee.ID, Status: inboxbot.StatusOpen}, []int64{b}},
			{"team inbox", inboxbot.Filter{Unassigned: true, Status: inboxbot.StatusOpen}, []int64{c}},
			{"by assignee, any status", inboxbot.Filter{AssigneeID: lee.ID}, []int64{d, b}},
			{"by follower", inboxbot.Filter{FollowerID: dana.ID}, []int64{c, b}},
			{"closed", inboxbot.Filter{Status: inboxbot.StatusClosed}, []int64{d}},
			{"tag", inboxbot.Filter{Tag: "VIP"}, []int64{b, a}},
			{"channel", inboxbot.Filter{Channel: "sms"}, []int64{c, a}},
			{"lead source", inboxbot.Filter{LeadSource: "facebook-ad", Status: inboxbot.StatusOpen}, []int64{a}},
			{"combined", inboxbot.Filter{FollowerID: dana.ID, Tag: "vip", AssigneeID: lee.ID}, []int64{b}},
			{"limit", inboxbot.Filter{Limit: 2}, []int64{d, c}},
		} {
			list, err := s.List(ctx, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var got []int64
			for _, c := range list {
				got = append(got, c.ID)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%s: got %v, want %v", tc.name, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("%s: got %v, want %v", tc.name, got, tc.want)
				}
			}
		}
	})
}

func TestAddInbound_ReusedMessageIDOfAnotherContactIsAConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		in := inboxbot.Inbound{Kind: "message", Channel: "sms", Contact: inboxbot.Contact{ExternalID: "jane"}, MessageID: "m-1", Body: "hi"}
		if _, err := s.AddInbound(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
		for _, other := range []inboxbot.Inbound{
			{Kind: "message", Channel: "sms", Contact: inboxbot.Contact{ExternalID: "joe"}, MessageID: "m-1", Body: "other"},
			{Kind: "message", Channel: "email", Contact: inboxbot.Contact{ExternalID: "jane"}, MessageID: "m-1", Body: "other"},
		} {
			_, err := s.AddInbound(ctx, other, nil)
			wantCode(t, err, inboxbot.ECONFLICT)
		}
		if list, _ := s.List(ctx, inboxbot.Filter{}); len(list) != 1 {
			t.Fatalf("%d conversations after refused reuses, want 1", len(list))
		}
	})
}

func TestAddInbound_FutureSentAtDoesNotPinTheConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		future := inboxbot.Inbound{Kind: "message", Channel: "sms", Contact: inboxbot.Contact{ExternalID: "early"},
			Body: "from a clock in 2099", SentAt: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)}
		res, err := s.AddInbound(ctx, future, nil)
		if err != nil || !res.Conversation.LastMessageAt.Equal(now) {
			t.Fatalf("last message at %v, %v; want now", res.Conversation.LastMessageAt, err)
		}
		now = now.Add(time.Minute)
		later := inbound(t, s, "later", "sms", "hi").Conversation
		if list, _ := s.List(ctx, inboxbot.Filter{}); list[0].ID != later.ID {
			t.Fatal("a message dated 2099 stays on top of the list")
		}
		if msgs, _ := s.Messages(ctx, res.Conversation.ID, 1); msgs[0].SentAt.Year() != 2099 {
			t.Fatalf("the message lost the time its source gave: %v", msgs[0].SentAt)
		}
	})
}

func TestCheckTags_OneWordEach(t *testing.T) {
	if err := inboxbot.CheckTags("add", []string{"vip", " needs-quote "}); err != nil {
		t.Fatal(err)
	}
	for _, tags := range [][]string{{"has space"}, {"vip", ""}, {"a\tb"}, make([]string, 51)} {
		err := inboxbot.CheckTags("add", tags)
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID || !strings.HasPrefix(err.Error(), "add") {
			t.Errorf("CheckTags(%q) = %v, want EINVALID naming the field", tags, err)
		}
	}
}
