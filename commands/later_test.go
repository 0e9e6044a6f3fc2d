package commands_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

func TestReassign_OffersTheQueueAfterTheAnswerOnlyWhenTheOldHolderWasFull(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.svc.Later = commands.NewLater()
		defer e.svc.Later.Stop()
		e.team([]inboxbot.Member{{Name: "lee", Capacity: 1}, {Name: "sam"}, {Name: "boss", Role: inboxbot.RoleManager}},
			inboxbot.Assignment{Method: inboxbot.MethodUser, Members: []string{"lee"}, RespectCapacity: true})
		held := e.inbound("ann", "hello")
		waiting := e.inbound("bob", "hello")
		mine := e.inbound("cy", "hello")
		e.ok("sam", "claim "+mine.Ref())
		if e.conv(held.ID).AssigneeName != "lee" || e.conv(waiting.ID).Assigned() {
			t.Fatal("setup: lee should hold the first and the second wait")
		}
		// lee gets room without anyone freeing it: only the sweep would
		// place what waits now.
		if _, err := e.st.UpsertMember(ctx, inboxbot.Member{Name: "lee", Capacity: 2}); err != nil {
			t.Fatal(err)
		}
		// sam has no capacity and was never full: reassigning away from
		// sam frees nothing, and offers nothing.
		e.ok("boss", "assign "+mine.Ref()+" @boss")
		e.svc.Later.Wait()
		if e.conv(waiting.ID).Assigned() {
			t.Fatal("a reassign away from a member without a capacity placed a waiting conversation")
		}
		if _, err := e.st.UpsertMember(ctx, inboxbot.Member{Name: "lee", Capacity: 1}); err != nil {
			t.Fatal(err)
		}
		// lee was full: reassigning lee's conversation away gives lee the
		// waiting one, after the answer.
		if r := e.ok("boss", "assign "+held.Ref()+" @boss"); len(r.Updated) != 1 {
			t.Fatalf("the reassign answered with %d conversations, want only its own", len(r.Updated))
		}
		e.svc.Later.Wait()
		if got := e.conv(waiting.ID).AssigneeName; got != "lee" {
			t.Fatalf("the waiting conversation went to %q, want lee, who had room again", got)
		}
	})
}

func TestLater_StopEndsWorkInFlightAndRefusesMore(t *testing.T) {
	l := commands.NewLater()
	running := make(chan struct{})
	var ended atomic.Bool
	l.Go(func(ctx context.Context) {
		close(running)
		<-ctx.Done()
		ended.Store(true)
	})
	<-running
	l.Stop()
	if !ended.Load() {
		t.Fatal("Stop returned before the work in flight ended")
	}
	var ran atomic.Bool
	l.Go(func(context.Context) { ran.Store(true) })
	l.Wait()
	if ran.Load() {
		t.Fatal("work given after Stop ran")
	}
}
