package store

import (
	"testing"
	"time"
)

func TestWaited_ReadsLikeAPerson(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second:                     "1 second",
		40 * time.Second:                "40 seconds",
		90 * time.Second:                "90 seconds",
		17*time.Minute + 30*time.Second: "17 minutes",
		3*time.Hour + 59*time.Minute:    "3 hours",
		50 * time.Hour:                  "2 days",
	} {
		if got := waited(d); got != want {
			t.Errorf("waited(%s) = %q, want %q", d, got, want)
		}
	}
}
