#pragma once

// Which thread gets a shared core first. The tracker often shares one core
// between the reactor (announces) and a worker building a gzip full scrape;
// these two calls make the scheduler hand the core back to the announce path
// within about a tenth of a millisecond.
namespace ot::app {

// For threads that answer requests (the reactor, UDP workers): a short
// scheduler slice, so that on kernels with EEVDF custom slices (Linux 6.12+)
// their wake-up preempts a background thread at once instead of waiting for
// the end of its slice. Elsewhere this is a no-op.
void PreferPromptWakeups();

// For the worker pool (full scrapes, store walks, dumps): nice 19, so it takes
// what the request threads leave. Unlike SCHED_IDLE it still gets its share
// when other programs keep the machine busy, so dumps never starve. The
// cleaner keeps the normal priority: its steps are short, and starving it
// would keep dead peers.
void RunInBackgroundClass();

}  // namespace ot::app
