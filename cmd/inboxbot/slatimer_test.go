package main

import (
	"testing"
	"time"
)

// The timer wakes at the next due time it saw, and looks again within
// slaEvery whatever it saw (another replica may set an earlier one).
func TestSLAWait_WakesAtTheNextDueTimeWithinSLAEvery(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		next time.Time
		want time.Duration
	}{
		{time.Time{}, slaEvery},
		{now.Add(1500 * time.Millisecond), 1500 * time.Millisecond},
		{now.Add(time.Hour), slaEvery},
		{now.Add(-time.Second), 0},
	} {
		if got := slaWait(c.next, now); got != c.want {
			t.Errorf("slaWait(%v) = %v, want %v", c.next.Sub(now), got, c.want)
		}
	}
}
