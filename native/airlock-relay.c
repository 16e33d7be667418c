/*
 * airlock-relay: relays one CONNECT tunnel for the governance proxy, natively.
 *
 * Usage: airlock-relay IDLE_MS   (fd 3: the client, fd 4: the upstream)
 *   The proxy has already decided, connected, answered the CONNECT and sent any
 *   bytes it had read; it hands both connected sockets over and keeps its own copies
 *   paused until this process ends. Nothing here decides anything: bytes move
 *   untouched both ways until both directions end.
 *   It dies with the process that started it (the proxy's relay host): no tunnel is
 *   relayed where the proxy can no longer account for or end it.
 * Output: on exit, one line on stdout: "<bytes client->upstream> <bytes upstream->client>".
 * Exit status: 0 when both directions ended cleanly; 1 on a socket error or after
 *   IDLE_MS with no byte either way (both sockets are then reset); 64 bad usage.
 *
 * Why: a relay in Node costs a buffer per chunk and garbage collection (1.8 CPU-s per
 * GiB); here bytes move with splice() through a pipe per direction, never copied to
 * user space. Half-closes are kept: EOF from one side becomes shutdown(SHUT_WR) on the
 * other once everything before it is written, and the other direction goes on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "send-buffer.h"

#define CLIENT_FD 3
#define UPSTREAM_FD 4
#define PIPE_BYTES 65536

struct flow {            /* reads fd[from], writes fd[1 - from] */
  int pipe[2];
  size_t pending;        /* bytes in the pipe not yet written */
  unsigned long long total;
  bool eof, done;        /* done: EOF seen, all written, the sink shut for writing */
};

static const int FDS[2] = {CLIENT_FD, UPSTREAM_FD};

/* Moves bytes until a side would block; false on a socket error. */
static bool pump(struct flow *f, int from, int to) {
  while (!f->done) {
    if (f->pending > 0) {
      ssize_t n = splice(f->pipe[0], NULL, to, NULL, f->pending, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
      if (n < 0) return errno == EAGAIN;
      f->pending -= (size_t)n;
      f->total += (unsigned long long)n;
      continue;
    }
    if (f->eof) {
      shutdown(to, SHUT_WR);
      f->done = true;
      break;
    }
    ssize_t n = splice(from, NULL, f->pipe[1], NULL, PIPE_BYTES, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    if (n > 0) f->pending = (size_t)n;
    else if (n == 0) f->eof = true;
    else return errno == EAGAIN;
  }
  return true;
}

static void reset(void) {
  struct linger now = {1, 0};
  for (int i = 0; i < 2; i++) setsockopt(FDS[i], SOL_SOCKET, SO_LINGER, &now, sizeof now);
}

int main(int argc, char **argv) {
  char *end = NULL;
  long idle_ms = argc == 2 ? strtol(argv[1], &end, 10) : -1;
  if (argc != 2 || end == argv[1] || *end != '\0' || idle_ms <= 0 || idle_ms > 86400000L) {
    fprintf(stderr, "usage: airlock-relay IDLE_MS (fd 3: client, fd 4: upstream)\n");
    return 64;
  }
  /* Killed with the host; a host already gone before the call was made leaves us adopted. */
  pid_t host = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != host) return 1;
  struct flow flow[2] = {{.pipe = {-1, -1}}, {.pipe = {-1, -1}}};
  for (int i = 0; i < 2; i++) {
    int flags = fcntl(FDS[i], F_GETFL);
    if (flags < 0 || fcntl(FDS[i], F_SETFL, flags | O_NONBLOCK) < 0 || pipe2(flow[i].pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
      fprintf(stderr, "airlock-relay: fd %d: not usable\n", FDS[i]);
      return 64;
    }
    widen_send_buffer(FDS[i]);
  }
  int status = 0;
  while (!(flow[0].done && flow[1].done)) {
    struct pollfd p[2];
    for (int s = 0; s < 2; s++) {
      const struct flow *in = &flow[s], *out = &flow[1 - s];
      p[s].fd = FDS[s];
      p[s].events = (short)((!in->eof && in->pending == 0 ? POLLIN : 0) | (out->pending > 0 ? POLLOUT : 0));
      p[s].revents = 0;
      if (p[s].events == 0) p[s].fd = -1; /* wanted for nothing: its HUP would wake us over and over */
    }
    int n = poll(p, 2, (int)idle_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { /* idle too long, or poll failed */
      reset();
      status = 1;
      break;
    }
    bool ok = true;
    for (int s = 0; s < 2 && ok; s++) {
      if (p[s].revents == 0) continue;
      bool hup = p[s].revents & (POLLHUP | POLLERR);
      if (p[s].revents & POLLIN || hup) ok = pump(&flow[s], FDS[s], FDS[1 - s]);
      if (ok && (p[s].revents & POLLOUT || hup)) ok = pump(&flow[1 - s], FDS[1 - s], FDS[s]);
    }
    if (!ok) {
      reset();
      status = 1;
      break;
    }
  }
  printf("%llu %llu\n", flow[0].total, flow[1].total);
  return status;
}
