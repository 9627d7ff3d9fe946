package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// service is one long-running part of the process: the metrics and API
// servers, the report scheduler, the stages, the lag watcher. Each runs
// in its own goroutine until its context ends and is stopped by name, in
// the order the pipeline's shutdown gives, with how long it took logged.
type service struct {
	name    string
	run     func(ctx context.Context) error
	cancel  context.CancelFunc
	done    chan struct{}
	err     error // what run returned
	stopped bool  // stop asked for it: a nil or context error is expected
}

// services are the started services, in start order.
type services struct {
	log  *slog.Logger
	mu   sync.Mutex
	list []*service
}

// start runs f as the named service. Its context does not end with the
// process's: only stop ends it, so a stage drains before it stops.
func (s *services) start(name string, f func(ctx context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	sv := &service{name: name, run: f, cancel: cancel, done: make(chan struct{})}
	s.mu.Lock()
	s.list = append(s.list, sv)
	s.mu.Unlock()
	go func() {
		defer close(sv.done)
		sv.err = f(ctx)
		if sv.err != nil && ctx.Err() == nil {
			s.log.Error("service stopped by itself", slog.String("service", name), slog.Any("error", sv.err))
		}
	}()
	s.log.Info("started", slog.String("service", name))
}

// stop stops the named services one after the other, each waited for,
// then any still running in reverse start order.
func (s *services) stop(order ...string) {
	s.mu.Lock()
	list := append([]*service(nil), s.list...)
	s.mu.Unlock()
	stopOne := func(sv *service) {
		if sv.stopped {
			return
		}
		sv.stopped = true
		t := time.Now()
		sv.cancel()
		<-sv.done
		s.log.Info("stopped", slog.String("service", sv.name), slog.Duration("took", time.Since(t)))
	}
	for _, name := range order {
		for _, sv := range list {
			if sv.name == name {
				stopOne(sv)
			}
		}
	}
	for i := len(list) - 1; i >= 0; i-- {
		stopOne(list[i])
	}
}

// err joins the errors of the services that stopped by themselves with an
// error, or returned one when stopped.
func (s *services) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, sv := range s.list {
		select {
		case <-sv.done:
		default:
			continue
		}
		if sv.err != nil && !errors.Is(sv.err, context.Canceled) {
			errs = append(errs, fmt.Errorf("%s: %w", sv.name, sv.err))
		}
	}
	return errors.Join(errs...)
}
