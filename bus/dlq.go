package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Headers of a dead letter. The payload is the original message's, byte
// for byte.
const (
	HeaderStage      = "Pantau-Stage"      // the stage that gave up
	HeaderReason     = "Pantau-Reason"     // why, as the stage said it
	HeaderSubject    = "Pantau-Subject"    // where the message was published: a replay goes back there
	HeaderStream     = "Pantau-Stream"     // the stream it came from
	HeaderMsgID      = "Pantau-Msg-Id"     // the publisher's message id (the article id)
	HeaderDeliveries = "Pantau-Deliveries" // deliveries before the stage gave up
	HeaderStreamSeq  = "Pantau-Stream-Seq" // its sequence in the stream it came from
	HeaderDeadAt     = "Pantau-Dead-At"    // when, RFC 3339 UTC
)

// DeadLetter moves msg to the dead-letter subject of stage with the reason
// (and any extra headers) in headers, then terminates it so it is not
// redelivered.
func (b *Bus) DeadLetter(ctx context.Context, stage string, msg jetstream.Msg, reason error, extra map[string]string) error {
	out := nats.NewMsg(SubjectDLQPrefix + stage)
	out.Data = msg.Data()
	out.Header.Set(HeaderStage, stage)
	out.Header.Set(HeaderReason, reason.Error())
	out.Header.Set(HeaderSubject, msg.Subject())
	out.Header.Set(HeaderDeadAt, time.Now().UTC().Format(time.RFC3339))
	if id := msg.Headers().Get(jetstream.MsgIDHeader); id != "" {
		out.Header.Set(HeaderMsgID, id)
	}
	if md, err := msg.Metadata(); err == nil {
		out.Header.Set(HeaderStream, md.Stream)
		out.Header.Set(HeaderDeliveries, strconv.FormatUint(md.NumDelivered, 10))
		out.Header.Set(HeaderStreamSeq, strconv.FormatUint(md.Sequence.Stream, 10))
	}
	for k, v := range extra {
		out.Header.Set(k, v)
	}
	if _, err := b.JS.PublishMsg(ctx, out); err != nil {
		return fmt.Errorf("dead-lettering: %w", err)
	}
	if err := msg.Term(); err != nil {
		return fmt.Errorf("terminating the dead-lettered message: %w", err)
	}
	return nil
}

// Letter is one message on the dead-letter stream.
type Letter struct {
	Seq        uint64 // its sequence on the dead-letter stream: what replay and drop take
	Stage      string
	Reason     string
	Subject    string // where a replay publishes it
	MsgID      string
	Deliveries int
	At         time.Time
	Data       []byte
	Header     nats.Header
}

func letterOf(seq uint64, h nats.Header, data []byte) Letter {
	l := Letter{Seq: seq, Stage: h.Get(HeaderStage), Reason: h.Get(HeaderReason), Subject: h.Get(HeaderSubject),
		MsgID: h.Get(HeaderMsgID), Data: data, Header: h}
	l.Deliveries, _ = strconv.Atoi(h.Get(HeaderDeliveries)) // absent on letters from before the header existed
	l.At, _ = time.Parse(time.RFC3339, h.Get(HeaderDeadAt))
	return l
}

// DeadLetters lists the dead letters of stage (every stage when empty),
// oldest first, at most limit of them (all when limit <= 0).
func (b *Bus) DeadLetters(ctx context.Context, stage string, limit int) ([]Letter, error) {
	filter := SubjectDLQPrefix + ">"
	if stage != "" {
		filter = SubjectDLQPrefix + stage
	}
	cons, err := b.JS.OrderedConsumer(ctx, StreamDLQ, jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter}})
	if err != nil {
		return nil, fmt.Errorf("reading the dead-letter stream: %w", err)
	}
	var out []Letter
	for limit <= 0 || len(out) < limit {
		n := 256
		if limit > 0 {
			n = min(n, limit-len(out))
		}
		batch, err := cons.FetchNoWait(n)
		if err != nil {
			return nil, fmt.Errorf("reading the dead-letter stream: %w", err)
		}
		got := 0
		for m := range batch.Messages() {
			got++
			md, err := m.Metadata()
			if err != nil {
				return nil, err
			}
			out = append(out, letterOf(md.Sequence.Stream, m.Headers(), m.Data()))
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return nil, fmt.Errorf("reading the dead-letter stream: %w", err)
		}
		if got == 0 {
			break
		}
	}
	return out, nil
}

// Letter reads one dead letter by its sequence.
func (b *Bus) Letter(ctx context.Context, seq uint64) (Letter, error) {
	s, err := b.JS.Stream(ctx, StreamDLQ)
	if err != nil {
		return Letter{}, err
	}
	m, err := s.GetMsg(ctx, seq)
	if err != nil {
		return Letter{}, fmt.Errorf("dead letter %d: %w", seq, err)
	}
	return letterOf(m.Sequence, m.Header, m.Data), nil
}

// Replay publishes the dead letter seq to the subject it came from, for its
// stage to try again, and removes it from the dead-letter stream. The
// replay's message id is derived from seq, so replaying the same letter
// twice (a crash between publish and removal) delivers it once.
func (b *Bus) Replay(ctx context.Context, seq uint64) (Letter, error) {
	l, err := b.Letter(ctx, seq)
	if err != nil {
		return l, err
	}
	if l.Subject == "" || l.Subject == SubjectDLQPrefix+l.Stage {
		return l, fmt.Errorf("dead letter %d names no subject to replay to", seq)
	}
	out := nats.NewMsg(l.Subject)
	out.Data = l.Data
	out.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("replay:%d:%s", seq, l.MsgID))
	if _, err := b.JS.PublishMsg(ctx, out); err != nil {
		return l, fmt.Errorf("replaying dead letter %d to %s: %w", seq, l.Subject, err)
	}
	return l, b.Drop(ctx, seq)
}

// Drop removes the dead letter seq for good.
func (b *Bus) Drop(ctx context.Context, seq uint64) error {
	s, err := b.JS.Stream(ctx, StreamDLQ)
	if err != nil {
		return err
	}
	if err := s.DeleteMsg(ctx, seq); err != nil {
		return fmt.Errorf("removing dead letter %d: %w", seq, err)
	}
	return nil
}

// DeadLetterCount is how many messages the dead-letter stream holds.
func (b *Bus) DeadLetterCount(ctx context.Context) (uint64, error) {
	s, err := b.JS.Stream(ctx, StreamDLQ)
	if err != nil {
		return 0, err
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.Msgs, nil
}
