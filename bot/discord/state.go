package discord

import (
	"container/list"
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/ibidbot/ibid/bot"
)

// limiter keeps per-user and per-guild token buckets, so that one member
// or one server cannot take the whole bot.
type limiter struct {
	mu                  sync.Mutex
	users, guilds       map[string]*rate.Limiter
	userRate, guildRate float64
}

func newLimiter(userPerMin, guildPerMin float64) *limiter {
	return &limiter{users: map[string]*rate.Limiter{}, guilds: map[string]*rate.Limiter{}, userRate: userPerMin, guildRate: guildPerMin}
}

// allow takes a token for the user and the guild, or says how long to wait.
func (l *limiter) allow(userID, guildID string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	u := bucket(l.users, userID, l.userRate)
	if d := wait(u, now); d > 0 {
		return d, false
	}
	if guildID != "" {
		if d := wait(bucket(l.guilds, guildID, l.guildRate), now); d > 0 {
			return d, false
		}
	}
	u.AllowN(now, 1)
	if guildID != "" {
		l.guilds[guildID].AllowN(now, 1)
	}
	return 0, true
}

func bucket(m map[string]*rate.Limiter, key string, perMin float64) *rate.Limiter {
	b, ok := m[key]
	if !ok {
		burst := max(1, int(perMin/2))
		b = rate.NewLimiter(rate.Limit(perMin/60), burst)
		m[key] = b
	}
	return b
}

// wait is how long until the bucket has a token, without taking it.
func wait(b *rate.Limiter, now time.Time) time.Duration {
	r := b.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return d
}

// lru is a small bounded map, oldest evicted first.
type lru[V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List
	items map[string]*list.Element
}

type lruEntry[V any] struct {
	key string
	val V
}

func newLRU[V any](n int) *lru[V] {
	return &lru[V]{max: n, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry[V]).val, true
	}
	var zero V
	return zero, false
}

func (c *lru[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		e.Value.(*lruEntry[V]).val = v
		c.order.MoveToFront(e)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry[V]{key, v})
	if c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*lruEntry[V]).key)
	}
}

// answerCache keeps recent answers for their buttons ("More sources",
// feedback); a button on an answer evicted since says so.
type answerCache struct {
	*lru[bot.Answer]
	next atomic.Uint64
}

func newAnswerCache(n int) *answerCache { return &answerCache{lru: newLRU[bot.Answer](n)} }

func (c *answerCache) add(a bot.Answer) string {
	id := strconv.FormatUint(c.next.Add(1), 36) + strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
	c.put(id, a)
	return id
}

// threadSet remembers the threads the bot opened, where it answers every
// message.
type threadSet struct{ *lru[bool] }

func newThreadSet() *threadSet { return &threadSet{newLRU[bool](4096)} }

// conversations are kept per thread or reply chain.
type conversations struct {
	*lru[*bot.Conversation]
	create sync.Mutex
}

func newConversations(n int) *conversations {
	return &conversations{lru: newLRU[*bot.Conversation](n)}
}

// of returns the conversation of a thread, starting one if needed.
func (c *conversations) of(key string) *bot.Conversation {
	c.create.Lock()
	defer c.create.Unlock()
	if v, ok := c.get(key); ok {
		return v
	}
	v := &bot.Conversation{}
	c.put(key, v)
	return v
}

// memoryChannels keeps auto-answer settings in memory (lost on restart).
type memoryChannels struct {
	mu sync.Mutex
	on map[string]bool
}

func newMemoryChannels() *memoryChannels { return &memoryChannels{on: map[string]bool{}} }

func (m *memoryChannels) AutoAnswer(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.on[id], nil
}

func (m *memoryChannels) SetAutoAnswer(_ context.Context, id string, on bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.on[id] = on
	return nil
}
