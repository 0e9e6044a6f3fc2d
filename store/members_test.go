package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestMembers_NamesAndLinksAreUnique(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.CreateMember(ctx, inboxbot.Member{Name: "dana", SlackID: "U1"}); err != nil {
			t.Fatal(err)
		}
		_, err := s.CreateMember(ctx, inboxbot.Member{Name: "Dana"})
		wantCode(t, err, inboxbot.ECONFLICT)
		_, err = s.CreateMember(ctx, inboxbot.Member{Name: "lee", SlackID: "U1"})
		wantCode(t, err, inboxbot.ECONFLICT)
		_, err = s.CreateMember(ctx, inboxbot.Member{Name: "two words"})
		wantCode(t, err, inboxbot.EINVALID)
		_, err = s.CreateMember(ctx, inboxbot.Member{Name: "x", Role: "boss"})
		wantCode(t, err, inboxbot.EINVALID)
		m, err := s.MemberByName(ctx, "DANA")
		if err != nil || m.Role != inboxbot.RoleAgent || m.SlackID != "U1" {
			t.Fatalf("by name = %+v, %v", m, err)
		}
		_, err = s.MemberByPlatform(ctx, inboxbot.PlatformDiscord, "U1")
		wantCode(t, err, inboxbot.ENOTFOUND)
	})
}

func TestUpsertMember_KeepsTheMembersOwnSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		m := mustMember(t, s, "dana", inboxbot.RoleAgent)
		s.SetAway(ctx, m.ID, true)
		s.SetNotify(ctx, m.ID, inboxbot.NotifyFollowing, false)
		up, err := s.UpsertMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleManager, Timezone: "Europe/Berlin",
			Hours: map[string]string{"mon-fri": "09:00-17:00"}, Regions: []string{"DE"}, Capacity: 5})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.Member(ctx, up.ID)
		if got.ID != m.ID || got.Role != inboxbot.RoleManager || !got.Away || got.Wants(inboxbot.NotifyFollowing) ||
			got.Hours["mon-fri"] != "09:00-17:00" || got.Capacity != 5 || got.Timezone != "Europe/Berlin" {
			t.Fatalf("after upsert: %+v", got)
		}
	})
}

func TestEnsurePlatformMember_FirstUseMakesOneAgent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustMember(t, s, "dana.lee", inboxbot.RoleAdmin)
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		for i := range ids {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				m, err := s.EnsurePlatformMember(ctx, inboxbot.PlatformSlack, "U777", "Dana Lee")
				if err != nil {
					t.Error(err)
				}
				ids[i] = m.ID
			}(i)
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("first use made several members: %v", ids)
			}
		}
		m, _ := s.Member(ctx, ids[0])
		if m.Name != "dana.lee2" || m.Role != inboxbot.RoleAgent || m.SlackID != "U777" {
			t.Fatalf("new member %+v", m)
		}
	})
}

func TestViews_OwnFirstThenShared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		// lee's private VIP came first; dana may still share one: it
		// shadows nothing for anyone but lee, whose own comes first.
		s.SaveView(ctx, inboxbot.View{OwnerID: lee.ID, Name: "VIP", Query: "mine tag:vip"})
		s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: "vip", Query: "team tag:vip", Shared: true})
		s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: "mine-sms", Query: "mine channel:sms"})
		// Saving over it now would take a name the team uses.
		_, err := s.SaveView(ctx, inboxbot.View{OwnerID: lee.ID, Name: "vip", Query: "all tag:vip"})
		wantCode(t, err, inboxbot.ECONFLICT)
		v, err := s.View(ctx, lee.ID, "Vip")
		if err != nil || v.OwnerID != lee.ID || v.Query != "mine tag:vip" {
			t.Fatalf("lee's vip = %+v, %v", v, err)
		}
		vs, _ := s.Views(ctx, lee.ID)
		var names []string
		for _, v := range vs {
			names = append(names, v.OwnerName+"/"+v.Name)
		}
		if strings.Join(names, " ") != "lee/VIP dana/vip" {
			t.Fatalf("lee sees %v; dana's private view must not show", names)
		}
		wantCode(t, s.DeleteView(ctx, lee.ID, "mine-sms"), inboxbot.ENOTFOUND)
		if err := s.DeleteView(ctx, lee.ID, "vip"); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.View(ctx, lee.ID, "vip"); v.OwnerID != dana.ID {
			t.Fatalf("after deleting his own, lee should see dana's shared vip, got %+v", v)
		}
		_, err = s.SaveView(ctx, inboxbot.View{OwnerID: lee.ID, Name: " "})
		wantCode(t, err, inboxbot.EINVALID)
	})
}

// TestViews_ANameSomeoneSharesIsRefusedNamingThem: a second "vip", shared
// or not, made "list view:vip" fail for everyone (or only for its owner).
func TestViews_ANameSomeoneSharesIsRefusedNamingThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		lee := mustMember(t, s, "lee", inboxbot.RoleAgent)
		if _, err := s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: "vip", Query: "team tag:vip", Shared: true}); err != nil {
			t.Fatal(err)
		}
		for _, shared := range []bool{true, false} {
			_, err := s.SaveView(ctx, inboxbot.View{OwnerID: lee.ID, Name: "VIP", Query: "all", Shared: shared})
			wantCode(t, err, inboxbot.ECONFLICT)
			if msg := inboxbot.ErrorMessage(err); !strings.Contains(msg, "dana already shares a view named \"vip\"") {
				t.Errorf("shared=%v: %q does not name the owner", shared, msg)
			}
		}
		if vs, _ := s.Views(ctx, lee.ID); len(vs) != 1 || vs[0].OwnerID != dana.ID {
			t.Fatalf("lee's views after the refusals = %+v", vs)
		}
		// Its owner replaces it freely, and a name only kept private is free.
		if _, err := s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: "Vip", Query: "all tag:vip", Shared: true}); err != nil {
			t.Fatal(err)
		}
		s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: "sms", Query: "mine channel:sms"})
		if _, err := s.SaveView(ctx, inboxbot.View{OwnerID: lee.ID, Name: "sms", Query: "team channel:sms", Shared: true}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestViews_ConcurrentSharesOfOneNameHaveOneWinner: the unique names hold
// under a race, not only under the check.
func TestViews_ConcurrentSharesOfOneNameHaveOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const n = 12
		var ids []int64
		for i := range n {
			ids = append(ids, mustMember(t, s, fmt.Sprintf("m%d", i), inboxbot.RoleAgent).ID)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Go(func() {
				_, err := s.SaveView(ctx, inboxbot.View{OwnerID: id, Name: "hot", Query: "team tag:hot", Shared: true})
				switch inboxbot.ErrorCode(err) {
				case "":
					wins.Add(1)
				case inboxbot.ECONFLICT:
				default:
					t.Errorf("save: %v", err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d members shared a view named hot, want 1", wins.Load())
		}
	})
}

// TestViews_AMemberKeepsAtMostMaxViews: saves were unbounded.
func TestViews_AMemberKeepsAtMostMaxViews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		for i := range store.MaxViews {
			if _, err := s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: fmt.Sprintf("v%d", i), Query: "mine"}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: "one-more", Query: "mine"})
		wantCode(t, err, inboxbot.EINVALID)
		if !strings.Contains(inboxbot.ErrorMessage(err), "You have 50 views, the most one member may keep") {
			t.Fatalf("refusal = %q", inboxbot.ErrorMessage(err))
		}
		if _, err := s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: "V7", Query: "team", Shared: true}); err != nil {
			t.Fatalf("replacing one of the 50: %v", err)
		}
		if vs, _ := s.Views(ctx, dana.ID); len(vs) != store.MaxViews {
			t.Fatalf("%d views, want %d", len(vs), store.MaxViews)
		}
	})
}

func TestOpen_UnreachableDatabaseIsUnavailable(t *testing.T) {
	_, err := store.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	wantCode(t, err, inboxbot.EUNAVAILABLE)
	if strings.Contains(inboxbot.ErrorMessage(err), "127.0.0.1") {
		t.Fatalf("message leaks connection detail: %q", inboxbot.ErrorMessage(err))
	}
	for _, url := range []string{"mysql://x", "sqlite:", ""} {
		_, err := store.Open(ctx, url)
		wantCode(t, err, inboxbot.EINVALID)
	}
}

func TestMigrate_ReplicasStartingAtOnceMigrateOnce(t *testing.T) {
	url := storetest.URL(t, "postgres")
	var wg sync.WaitGroup
	applied := make([][]string, 4)
	for i := range applied {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s, err := store.Open(context.Background(), url)
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			if applied[i], err = s.Migrate(ctx); err != nil {
				t.Error(fmt.Errorf("replica %d: %w", i, err))
			}
		}(i)
	}
	wg.Wait()
	migrators := 0
	for _, a := range applied {
		if len(a) > 0 {
			migrators++
		}
	}
	s, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pending, err := s.Pending(ctx)
	if migrators != 1 || err != nil || len(pending) != 0 {
		t.Fatalf("migrations applied %v (want one replica to apply them all), pending %v, %v", applied, pending, err)
	}
}

func TestMembers_ReservedAndOverlongNamesAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, name := range []string{"me", "None", strings.Repeat("a", 65), "a,b"} {
			_, err := s.CreateMember(ctx, inboxbot.Member{Name: name})
			wantCode(t, err, inboxbot.EINVALID)
		}
		m, err := s.EnsurePlatformMember(ctx, inboxbot.PlatformSlack, "U9", "Me")
		if err != nil || m.Name != "u9" {
			t.Fatalf("a Slack user called Me became %q, %v; want their id", m.Name, err)
		}
		m, err = s.EnsurePlatformMember(ctx, inboxbot.PlatformDiscord, "123", strings.Repeat("x", 100))
		if err != nil || len(m.Name) > 64 {
			t.Fatalf("a long display name became %q, %v", m.Name, err)
		}
	})
}

// TestDeleteSharedView_DeletesExactlyOne: an admin's delete removed every
// shared view of the name; it removes the shared one and leaves a private
// view of the same name alone.
func TestDeleteSharedView_DeletesExactlyOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mustMember(t, s, "ann", inboxbot.RoleAgent), mustMember(t, s, "bob", inboxbot.RoleAgent)
		s.SaveView(ctx, inboxbot.View{OwnerID: b.ID, Name: "hot", Query: "mine tag:hot"})
		s.SaveView(ctx, inboxbot.View{OwnerID: a.ID, Name: "hot", Query: "team tag:hot", Shared: true})
		v, err := s.DeleteSharedView(ctx, "HOT")
		if err != nil || v.OwnerName != "ann" || v.Name != "hot" {
			t.Fatalf("deleted %+v, %v", v, err)
		}
		if v, err := s.View(ctx, b.ID, "hot"); err != nil || v.OwnerID != b.ID {
			t.Fatalf("bob's private hot = %+v, %v", v, err)
		}
		_, err = s.DeleteSharedView(ctx, "hot")
		wantCode(t, err, inboxbot.ENOTFOUND)
	})
}
