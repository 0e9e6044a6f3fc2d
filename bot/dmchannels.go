package bot

import (
	"container/list"
	"sync"
)

// DMChannels caches the direct-message channel of each user id, so that a
// notification costs one request instead of two. It holds at most Max
// entries and drops the least recently used; an adapter forgets an entry
// when the platform says the channel is gone (Slack's channel_not_found,
// Discord's unknown channel), so the next DM opens it again. Safe for
// concurrent use.
type DMChannels struct {
	max   int
	mu    sync.Mutex
	order *list.List // front: most recently used; values are dmEntry
	byID  map[string]*list.Element
}

type dmEntry struct{ user, channel string }

// DefaultDMChannels is the size of an adapter's cache: every member of a
// large team, at a few dozen bytes each.
const DefaultDMChannels = 10000

// NewDMChannels returns an empty cache of at most size entries (at least 1).
func NewDMChannels(size int) *DMChannels {
	return &DMChannels{max: max(size, 1), order: list.New(), byID: map[string]*list.Element{}}
}

// Get returns the cached channel of user.
func (c *DMChannels) Get(user string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[user]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(e)
	return e.Value.(dmEntry).channel, true
}

// Put remembers user's channel, dropping the least recently used entry
// when the cache is full.
func (c *DMChannels) Put(user, channel string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[user]; ok {
		e.Value = dmEntry{user, channel}
		c.order.MoveToFront(e)
		return
	}
	c.byID[user] = c.order.PushFront(dmEntry{user, channel})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byID, last.Value.(dmEntry).user)
	}
}

// Forget drops user's entry.
func (c *DMChannels) Forget(user string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[user]; ok {
		c.order.Remove(e)
		delete(c.byID, user)
	}
}

// Len is the number of cached channels.
func (c *DMChannels) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
