package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
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
		s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: "vip", Query: "team tag:vip", Shared: true})
		s.SaveView(ctx, inboxbot.View{OwnerID: dana.ID, Name: "mine-sms", Query: "mine channel:sms"})
		s.SaveView(ctx, inboxbot.View{OwnerID: lee.ID, Name: "VIP", Query: "mine tag:vip"})
		if _, err := s.SaveView(ctx, inboxbot.View{OwnerID: lee.ID, Name: "vip", Query: "all tag:vip"}); err != nil {
			t.Fatal(err)
		}
		v, err := s.View(ctx, lee.ID, "Vip")
		if err != nil || v.OwnerID != lee.ID || v.Query != "all tag:vip" {
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

func TestView_SeveralSharedOfOneNameIsAmbiguous(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b, c := mustMember(t, s, "ann", inboxbot.RoleAgent), mustMember(t, s, "bob", inboxbot.RoleAgent), mustMember(t, s, "cy", inboxbot.RoleAgent)
		s.SaveView(ctx, inboxbot.View{OwnerID: a.ID, Name: "hot", Query: "team tag:hot", Shared: true})
		s.SaveView(ctx, inboxbot.View{OwnerID: b.ID, Name: "hot", Query: "all tag:hot", Shared: true})
		_, err := s.View(ctx, c.ID, "hot")
		wantCode(t, err, inboxbot.EINVALID)
		if !strings.Contains(err.Error(), "ann, bob") {
			t.Fatalf("error %q does not name the owners", err)
		}
		if v, err := s.View(ctx, a.ID, "hot"); err != nil || v.OwnerID != a.ID {
			t.Fatalf("ann's own view = %+v, %v", v, err)
		}
	})
}
